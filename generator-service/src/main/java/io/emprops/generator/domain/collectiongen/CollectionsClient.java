package io.emprops.generator.domain.collectiongen;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.generator.config.CollectionsClientProperties;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls collections-service on behalf of the caller, the way the gateway forwards a request: the
 * caller's identity headers plus the internal credential signed over method, path and identity,
 * so collections-service applies its own rules (ownership, default project) to that caller.
 *
 * <p>Its refusals (4xx) reach the client as they are; when it is down, slow or broken the client
 * gets a 503 {@code SERVICE_UNAVAILABLE}, never the cause's internals.
 */
@Component
public class CollectionsClient implements AutoCloseable {

  /**
   * The create endpoint that takes every collection field in one body ({@code data} and the sale
   * settings alike), so a collection is created with its metadata atomically. {@code POST
   * /api/collections/create} takes only title, description and instruction set: metadata would
   * need a second call that can fail after the first succeeded.
   */
  static final String CREATE_PATH = "/projects/collections";

  /** Fields of the create body that sit under {@code metadata} in our request. */
  private static final Set<String> METADATA_FIELDS = Set.of("editions", "price", "blockchain");

  private static final Logger log = LoggerFactory.getLogger(CollectionsClient.class);

  private final CollectionsClientProperties properties;
  private final InternalCredential credential;
  private final JsonMapper json;
  private final HttpClient http;
  private final URI createUri;

  public CollectionsClient(CollectionsClientProperties properties, InternalCredential credential, JsonMapper json) {
    this.properties = properties;
    this.credential = credential;
    this.json = json;
    this.http = HttpClient.newBuilder()
        .connectTimeout(properties.connectTimeout())
        // Plain HTTP/1.1: no h2c upgrade attempt on every new connection.
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    String base = properties.url().toString();
    this.createUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CREATE_PATH);
  }

  /**
   * Creates a collection of the caller in their default project.
   *
   * @param fields collection fields as collections-service names them ({@code title},
   *     {@code data}, {@code editions}, {@code price}, {@code blockchain})
   * @return the created collection's complete state, as its events would carry it
   * @throws ApiException collections-service's own 4xx, or 503 when it cannot answer
   */
  public CollectionSnapshot create(CallerIdentity caller, ObjectNode fields) {
    HttpRequest.Builder request = HttpRequest.newBuilder(createUri)
        .timeout(properties.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(fields)));
    sign(request, "POST", caller);
    HttpResponse<String> response = send(request.build());
    int status = response.statusCode();
    if (status == 201 || status == 200) {
      return snapshot(response.body());
    }
    if (status == 401) {
      // The caller was authenticated by the gateway: a 401 here means our credential (secret or
      // clock) is wrong, an operator's problem the client cannot fix.
      log.error("collections-service refused the internal credential: check emprops.internal.secret and clocks");
      throw unavailable("refused this service's credentials");
    }
    if (status >= 400 && status < 500) {
      throw passedThrough(status, response.body());
    }
    log.warn("collections-service answered {} to POST {}", status, CREATE_PATH);
    throw unavailable("answered " + status);
  }

  /** As the gateway's IdentityForwardingFilter: user id and roles, and the credential over them. */
  private void sign(HttpRequest.Builder request, String method, CallerIdentity caller) {
    caller.userId().ifPresent(userId -> {
      request.header(IdentityHeaders.USER_ID, userId);
      request.header(IdentityHeaders.USER_ROLES, caller.rolesHeader());
    });
    request.header(IdentityHeaders.INTERNAL_AUTH, credential.sign(method, createUri.getRawPath(), caller));
  }

  /** Bounded as a whole: {@link HttpRequest#timeout} only covers the wait for the headers. */
  private HttpResponse<String> send(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return call.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw unavailable("did not answer within " + properties.timeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable("was not waited for (interrupted)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
        throw unavailable("cannot be reached");
      }
      if (cause instanceof HttpTimeoutException) {
        throw unavailable("did not answer within " + properties.timeout().toMillis() + " ms");
      }
      log.warn("Calling collections-service failed", cause);
      throw unavailable(cause instanceof IOException ? "closed the connection" : "cannot be called");
    }
  }

  /**
   * Its refusal in its own words: same code, message and details, the fields renamed where our
   * request names them differently ({@code editions} is {@code metadata.editions} here).
   */
  private ApiException passedThrough(int status, String body) {
    JsonNode envelope = readOrNull(body);
    if (envelope == null || !envelope.path("error").isString()) {
      log.warn("collections-service answered {} without an error envelope", status);
      return new ApiException(ErrorCode.forStatus(status), "The collections service refused the request");
    }
    ErrorCode code = Arrays.stream(ErrorCode.values())
        .filter(c -> c.name().equals(envelope.path("code").asString("")) && c.status() == status)
        .findFirst().orElse(ErrorCode.forStatus(status));
    List<FieldError> details = new ArrayList<>();
    envelope.path("details").forEach(d -> {
      String field = d.path("field").asString("");
      details.add(new FieldError(METADATA_FIELDS.contains(field) ? "metadata." + field : field,
          d.path("message").asString("")));
    });
    return new ApiException(code, envelope.get("error").asString(), details);
  }

  /** The 201 body ({@code {data: CollectionView}}) as the snapshot its CollectionCreated event carries. */
  private CollectionSnapshot snapshot(String body) {
    JsonNode envelope = readOrNull(body);
    JsonNode data = envelope == null ? null : envelope.get("data");
    Created c;
    try {
      c = data == null || !data.isObject() ? null : json.treeToValue(data, Created.class);
    } catch (JacksonException e) {
      c = null;
    }
    if (c == null || c.id() == null || c.projectId() == null || c.userId() == null || c.data() == null
        || !c.data().isObject() || c.status() == null || c.createdAt() == null || c.updatedAt() == null) {
      log.error("collections-service answered a create with a body that is not a collection");
      throw unavailable("answered with something that is not a collection");
    }
    Preview preview = c.preview() == null ? new Preview(false, false) : c.preview();
    // The view's version is the revision its events carry, so the CollectionCreated event for the
    // same state is a no-op in the read model once this snapshot is stored.
    return new CollectionSnapshot(c.id(), c.projectId(), c.userId(), c.version(), c.title(), c.description(),
        c.status(), c.archived(), c.data(), c.editions(), c.price(), c.blockchain(), c.publishDate(),
        c.coverImageUrl(), c.batchMintEnabled(), c.batchMaxTokens(), c.encryptionEnabled(), preview.enabled(),
        preview.isRemixable(), c.createdAt(), c.updatedAt());
  }

  private JsonNode readOrNull(String body) {
    try {
      return body == null || body.isBlank() ? null : json.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static ApiException unavailable(String what) {
    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
        "The collections service " + what + "; no generation was started, try again later");
  }

  @Override
  public void close() {
    http.close();
  }

  /** collections-service's CollectionView, the fields a snapshot needs (snake_case on the wire). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Created(UUID id, UUID projectId, String userId, long version, String title, String description,
      CollectionStatus status, boolean archived, JsonNode data, Integer editions, BigDecimal price,
      Blockchain blockchain, Instant publishDate, String coverImageUrl, boolean batchMintEnabled,
      Integer batchMaxTokens, boolean encryptionEnabled, Preview preview, Instant createdAt, Instant updatedAt) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Preview(boolean enabled, boolean isRemixable) {}
}
