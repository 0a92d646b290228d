package io.emprops.storage.support;

import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the storage service as the gateway does, with multipart bodies built by hand. */
public final class StorageClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private final GatewayCalls calls;

  public StorageClient(String baseUrl, String internalSecret) {
    this.calls = new GatewayCalls(baseUrl, internalSecret);
  }

  public GatewayCalls calls() {
    return calls;
  }

  /** A {@code multipart/form-data} body: parts in order, each a file ({@code fileName} set) or a field. */
  public record Part(String name, String fileName, String contentType, Supplier<InputStream> content, long length) {

    public static Part file(String fileName, String contentType, byte[] content) {
      return new Part("file", fileName, contentType, () -> new ByteArrayInputStream(content), content.length);
    }

    public static Part field(String name, String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      return new Part(name, null, null, () -> new ByteArrayInputStream(bytes), bytes.length);
    }
  }

  public static final String BOUNDARY = "----emprops-test-" + UUID.randomUUID();

  public static String contentType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  /** The body's bytes as a stream (read lazily: parts may be gigabytes) and its length. */
  public static InputStream body(List<Part> parts) {
    List<InputStream> pieces = new java.util.ArrayList<>();
    for (Part part : parts) {
      pieces.add(ascii(header(part)));
      pieces.add(new LazyStream(part.content()));
      pieces.add(ascii("\r\n"));
    }
    pieces.add(ascii("--" + BOUNDARY + "--\r\n"));
    return new SequenceInputStream(Collections.enumeration(pieces));
  }

  public static long length(List<Part> parts) {
    long length = ("--" + BOUNDARY + "--\r\n").length();
    for (Part part : parts) {
      length += header(part).getBytes(StandardCharsets.UTF_8).length + part.length() + 2;
    }
    return length;
  }

  private static String header(Part part) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
        + (part.fileName() != null ? "; filename=\"" + part.fileName() + "\"" : "") + "\r\n"
        + (part.contentType() != null ? "Content-Type: " + part.contentType() + "\r\n" : "") + "\r\n";
  }

  private static InputStream ascii(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** POST /assets with a Content-Length. */
  public HttpResponse<String> upload(CallerIdentity caller, List<Part> parts) {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> body(parts)), length(parts));
    return calls.send(calls.request("POST", "/assets", caller, body).setHeader("Content-Type", contentType()).build());
  }

  /** POST /assets chunked, without a Content-Length (the size is only known by reading). */
  public HttpResponse<String> uploadChunked(CallerIdentity caller, List<Part> parts) {
    return calls.send(calls.request("POST", "/assets", caller, HttpRequest.BodyPublishers.ofInputStream(() -> body(parts)))
        .setHeader("Content-Type", contentType()).build());
  }

  public HttpResponse<String> get(String path, CallerIdentity caller) {
    return calls.get(path, caller);
  }

  public HttpResponse<String> delete(String path, CallerIdentity caller) {
    return calls.send(calls.request("DELETE", path, caller, HttpRequest.BodyPublishers.noBody()).build());
  }

  public static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  public static JsonNode data(HttpResponse<String> response, int expectedStatus) {
    if (response.statusCode() != expectedStatus) {
      throw new AssertionError("expected " + expectedStatus + " but was " + response.statusCode() + ": " + response.body());
    }
    return json(response).get("data");
  }

  /** Opens its source on first read, so that building a body does not open every part at once. */
  private static final class LazyStream extends InputStream {
    private final Supplier<InputStream> source;
    private InputStream in;

    LazyStream(Supplier<InputStream> source) {
      this.source = source;
    }

    private InputStream in() {
      if (in == null) {
        in = source.get();
      }
      return in;
    }

    @Override
    public int read() throws java.io.IOException {
      return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      return in().read(b, off, len);
    }

    @Override
    public void close() throws java.io.IOException {
      if (in != null) {
        in.close();
      }
    }
  }
}
