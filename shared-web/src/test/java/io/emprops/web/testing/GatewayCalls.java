package io.emprops.web.testing;

import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

/**
 * Calls a service the way the gateway does: identity headers plus a valid internal credential.
 * For tests that talk to one service directly.
 */
public final class GatewayCalls {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final InternalCredential credential;

  public GatewayCalls(String baseUrl, String internalSecret) {
    this.baseUrl = baseUrl;
    this.credential = new InternalCredential(internalSecret);
  }

  public HttpRequest.Builder request(String method, String pathAndQuery, CallerIdentity caller,
      HttpRequest.BodyPublisher body) {
    URI uri = URI.create(baseUrl + pathAndQuery);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method, body)
        .header("Content-Type", "application/json")
        .header(IdentityHeaders.INTERNAL_AUTH, credential.sign(method, uri.getRawPath(), caller));
    caller.userId().ifPresent(id -> builder.header(IdentityHeaders.USER_ID, id));
    if (!caller.roles().isEmpty()) {
      builder.header(IdentityHeaders.USER_ROLES, caller.rolesHeader());
    }
    return builder;
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String pathAndQuery, CallerIdentity caller) {
    return send(request("GET", pathAndQuery, caller, HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpResponse<String> post(String pathAndQuery, CallerIdentity caller, String json) {
    return send(request("POST", pathAndQuery, caller, HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public static CallerIdentity user(String id, String... roles) {
    return CallerIdentity.user(id, Set.of(roles));
  }
}
