package io.emprops.generator.domain.collectiongen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stand-in for collections-service (why not the real one: it must also misbehave — refuse, fail, answer
 * late, be down — on demand, which the real service cannot be made to do; the end-to-end suite
 * covers the real call). It serves collections-service's {@code POST /projects/collections} on 127.0.0.1, for tests
 * of the generator that cannot run the real service in their JVM. Like the real one, it admits a
 * request only with a valid internal credential for the identity headers it came with (a wrong
 * signature is recorded in {@link #refusals} and answered 401), and it answers with a 201
 * envelope of the created collection's owner view: fresh component ids for the steps, the sale
 * settings sent, version 0.
 *
 * <p>{@link #answers} makes it misbehave for one user: refuse (400 with details), fail (500) or
 * answer too late. {@link #stop()} makes it refuse connections, as a service that is down.
 */
public final class CollectionsServiceStandIn implements AutoCloseable {

  public enum Answer { CREATE, REJECT, FAIL, SLOW }

  /** One request as received: identity headers, path and body. */
  public record Call(String method, String path, String userId, String roles, JsonNode body) {}

  public static final String CREATE_PATH = "/projects/collections";

  /** What to answer a user's create with; {@link Answer#CREATE} when absent. */
  public final Map<String, Answer> answers = new ConcurrentHashMap<>();
  /** Every request whose credential was accepted. */
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Why requests were refused; a test against this stub expects none. */
  public final List<String> refusals = new CopyOnWriteArrayList<>();

  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<String, UUID> defaultProjects = new ConcurrentHashMap<>();
  private final AtomicLong componentIds = new AtomicLong(5000);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final int port;
  private volatile InternalCredential credential;
  private volatile long slowAnswerMillis = 5000;
  private HttpServer server;

  private CollectionsServiceStandIn() {
    server = bind(0);
    port = server.getAddress().getPort();
  }

  public static CollectionsServiceStandIn start() {
    return new CollectionsServiceStandIn();
  }

  /** The base URL, as {@code emprops.generator.collections.url}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The shared secret to check credentials with (the application's {@code emprops.internal.secret}). */
  public void trust(String internalSecret) {
    credential = new InternalCredential(internalSecret);
  }

  public void slowAnswerMillis(long millis) {
    slowAnswerMillis = millis;
  }

  /** The creates made for {@code userId}. */
  public List<Call> createsBy(String userId) {
    return calls.stream().filter(c -> c.path().equals(CREATE_PATH) && userId.equals(c.userId())).toList();
  }

  /** The project the stub created {@code userId}'s collections in (their default project). */
  public UUID defaultProjectOf(String userId) {
    return defaultProjects.get(userId);
  }

  /** Closes the port: calls are refused until {@link #restart()}. */
  public synchronized void stop() {
    server.stop(0);
  }

  /** Listens again, on the same port. */
  public synchronized void restart() {
    server = bind(port);
  }

  @Override
  public synchronized void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private HttpServer bind(int onPort) {
    try {
      HttpServer bound = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
      bound.createContext("/", this::handle);
      bound.setExecutor(executor);
      bound.start();
      return bound;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String userId = exchange.getRequestHeaders().getFirst(IdentityHeaders.USER_ID);
      String roles = exchange.getRequestHeaders().getFirst(IdentityHeaders.USER_ROLES);
      // As InternalAuthenticationFilter does it.
      CallerIdentity caller = userId == null || userId.isBlank()
          ? CallerIdentity.anonymous()
          : CallerIdentity.user(userId, CallerIdentity.parseRoles(roles));
      InternalCredential trusted = credential;
      var refusal = trusted == null ? java.util.Optional.of("the stub trusts no secret yet")
          : trusted.verify(exchange.getRequestHeaders().getFirst(IdentityHeaders.INTERNAL_AUTH), method, path, caller);
      if (refusal.isPresent()) {
        refusals.add(method + " " + path + ": " + refusal.get());
        respond(exchange, 401, error("UNAUTHORIZED", "Requests must come through the gateway"));
        return;
      }
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : json.readTree(raw);
      calls.add(new Call(method, path, userId, roles, body));
      if (!"POST".equals(method) || !CREATE_PATH.equals(path)) {
        respond(exchange, 404, error("NOT_FOUND", "No such endpoint"));
        return;
      }
      if (userId == null) {
        respond(exchange, 401, error("UNAUTHORIZED", "Authentication required"));
        return;
      }
      switch (answers.getOrDefault(userId, Answer.CREATE)) {
        case CREATE -> respond(exchange, 201, json.createObjectNode().set("data", created(userId, (ObjectNode) body)));
        case REJECT -> {
          ObjectNode refused = error("VALIDATION_FAILED", "Validation failed");
          refused.putArray("details")
              .add(json.createObjectNode().put("field", "title").put("message", "is not allowed by the stub"))
              .add(json.createObjectNode().put("field", "price").put("message", "is not for sale in the stub"));
          respond(exchange, 400, refused);
        }
        case FAIL -> respond(exchange, 500, error("INTERNAL", "Internal server error"));
        case SLOW -> {
          try {
            Thread.sleep(slowAnswerMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          respond(exchange, 201, json.createObjectNode().set("data", created(userId, (ObjectNode) body)));
        }
      }
    }
  }

  /** The owner view (collections-service's CollectionView) of a collection made from {@code fields}. */
  private ObjectNode created(String userId, ObjectNode fields) {
    ObjectNode data = (ObjectNode) fields.get("data").deepCopy();
    // The real service gives every step a fresh component id and keeps the old one as fromId.
    data.get("steps").forEach(step -> {
      ObjectNode s = (ObjectNode) step;
      s.put("fromId", s.get("id").asLong());
      s.put("id", componentIds.incrementAndGet());
    });
    String now = Instant.now().toString();
    ObjectNode view = json.createObjectNode();
    view.put("id", UUID.randomUUID().toString());
    view.put("project_id", defaultProjects.computeIfAbsent(userId, u -> UUID.randomUUID()).toString());
    view.put("user_id", userId);
    view.put("title", fields.get("title").asString());
    view.putNull("description");
    view.put("status", "draft");
    view.put("archived", false);
    view.set("data", data);
    view.set("editions", fields.get("editions"));
    view.set("price", fields.get("price"));
    view.set("blockchain", fields.get("blockchain"));
    view.putNull("publish_date");
    view.putNull("cover_image_url");
    view.put("batch_mint_enabled", false);
    view.putNull("batch_max_tokens");
    view.put("encryption_enabled", false);
    view.put("is_current", true);
    view.putNull("forked_from_id");
    view.putObject("preview").put("enabled", false).put("is_remixable", false);
    view.putNull("custody");
    view.putNull("publication");
    view.put("version", 0);
    view.put("created_at", now);
    view.put("updated_at", now);
    return view;
  }

  private ObjectNode error(String code, String message) {
    ObjectNode envelope = json.createObjectNode();
    envelope.putNull("data");
    envelope.put("error", message);
    envelope.put("code", code);
    return envelope;
  }

  private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
