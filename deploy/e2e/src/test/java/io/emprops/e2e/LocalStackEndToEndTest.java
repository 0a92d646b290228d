package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The suite as a developer gets it from {@code ./run}: every application healthy behind the
 * gateway, tokens from the launcher and from {@code ./run token} accepted, anonymous and direct
 * calls refused in the envelope, and the main journeys as an admin and as plain users. It runs on
 * the {@link SharedStack}; stopping and restarting that stack is {@link LocalStackLifecycleTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.Extension.class)
@Order(1)
class LocalStackEndToEndTest {

  private static final List<String> SERVICES = List.of("collections", "credits", "generator", "publishing", "storage",
      "webhooks");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private RunningStack stack;

  @BeforeAll
  void useTheSharedStack(SharedStack shared) {
    stack = shared.stack();
  }

  @Test
  @Order(1)
  void gatewayAndEveryServiceAreHealthyThroughTheGateway() throws Exception {
    assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    for (String service : SERVICES) {
      HttpResponse<String> health = get("/health/" + service, null);
      assertThat(health.statusCode()).as(service).isEqualTo(200);
      // Readiness names what the service depends on, each UP: a working service, not a shell.
      JsonNode components = json.readTree(health.body()).path("components");
      List<String> expected = new java.util.ArrayList<>(List.of("readinessState", "db"));
      if (!service.equals("webhooks")) {
        expected.add("outboxRelay");
      }
      if (service.equals("generator")) {
        expected.add("jobQueue");
      }
      if (service.equals("storage")) {
        expected.add("objectStore");
      }
      assertThat(components.propertyNames()).as(health.body()).containsExactlyInAnyOrderElementsOf(expected);
      expected.forEach(name -> assertThat(components.path(name).path("status").asString()).as(service + " " + name)
          .isEqualTo("UP"));
    }
  }

  @Test
  @Order(1)
  void oneApiDocumentDescribesEveryServiceThroughTheGateway() throws Exception {
    // A service that has just started builds its first document slowly (seconds on a loaded
    // machine, beyond the gateway's 5 s) and is listed unavailable meanwhile; the gateway does not
    // keep such a document, so ask again until every service is in it.
    JsonNode document = null;
    for (int i = 0; i < 12 && (document == null || !everyServiceAvailable(document)); i++) {
      HttpResponse<String> docs = get("/v3/api-docs", null);
      assertThat(docs.statusCode()).isEqualTo(200);
      document = json.readTree(docs.body());
    }
    for (String service : SERVICES) {
      assertThat(document.get("x-services").get(service).asString()).as(service).isEqualTo("available");
    }
    assertThat(document.get("paths").has("/jobs/{jobId}")).isTrue();
    assertThat(document.get("paths").has("/credits/balance")).isTrue();
    assertThat(document.get("paths").has("/projects")).isTrue();
    assertThat(document.get("paths").has("/webhooks/{id}/deliveries")).isTrue();
    assertThat(document.get("webhooks").get("job.completed").get("post").get("requestBody")).isNotNull();
  }

  private static boolean everyServiceAvailable(JsonNode document) {
    return SERVICES.stream().allMatch(s -> "available".equals(document.path("x-services").path(s).asString()));
  }

  @Test
  @Order(2)
  void protectedRouteRejectsAnAnonymousCallWithA401Envelope() throws Exception {
    HttpResponse<String> response = get("/projects", null);
    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("data").isNull()).isTrue();
    assertThat(body.get("error").asString()).isNotBlank();
    assertThat(body.get("code").asString()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  @Order(3)
  void launcherTokenIsAcceptedAndTheServiceSeesTheForwardedCall() throws Exception {
    // An unknown path under /credits: the gateway accepts the token and routes; the credits
    // service accepts the internal credential and answers its own 404 in the envelope.
    HttpResponse<String> response = get("/credits/e2e-no-such-endpoint", stack.devToken);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json.readTree(response.body()).get("code").asString()).isEqualTo("NOT_FOUND");
  }

  @Test
  @Order(4)
  void runTokenMintsATokenTheGatewayAccepts() throws Exception {
    String output = RunningStack.runToCompletion(stack.root, Duration.ofMinutes(2),
        "token", "alice", "user", "--data-dir", stack.dataDirectory.toString());
    String token = output.lines().filter(l -> l.startsWith("ey")).reduce((a, b) -> b).orElseThrow();
    assertThat(get("/credits/e2e-no-such-endpoint", token).statusCode()).isEqualTo(404);
    assertThat(get("/credits/e2e-no-such-endpoint", token + "x").statusCode()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void runTokenRefusesAnOptionLikeUserNameWithAUsageLine() throws Exception {
    for (String optionLike : List.of("--help", "-x")) {
      Path output = Files.createTempFile("emprops-run-token-", ".out");
      Process process = RunningStack.run(stack.root, output, "token", optionLike);
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).as(optionLike).isEqualTo(2);
      assertThat(RunningStack.read(output)).as(optionLike).contains("usage: ./run token").doesNotContainPattern("(?m)^ey");
    }
  }

  @Test
  @Order(6)
  void aGenerationRunsOnTheDevWorkerStreamsItsImagesAndIsCharged() throws Exception {
    // collections-service stores the collection and publishes it; the generator's read model
    // receives it over Kafka; credits-service reserves; the dev worker draws; credits charges.
    String collectionId = createCollection("mock-image");
    long availableBefore = balance().get("available").asLong();

    String jobId = generate(collectionId);
    JsonNode job = awaitJob(jobId, "completed");
    assertThat(job.get("outputs")).hasSize(2);
    job.get("outputs").forEach(output -> {
      assertThat(output.get("url").asString()).startsWith(stack.cdnBaseUrl() + "/generations/");
      assertThat(output.get("asset_id").asString()).isNotBlank();
      assertThat(output.get("mime_type").asString()).isEqualTo("image/png");
    });

    // GenerationCompleted reaches credits-service: the hold becomes a charge of 1 credit x 2.
    // Awaited until charged: a job started on the known standing may complete before credits-service
    // has even reserved (reserved is 0 then too); a double charge would show below as - 4.
    JsonNode balance = awaitBalance(stack.devToken, b -> b.get("reserved").asLong() == 0
        && b.get("available").asLong() <= availableBefore - 2);
    assertThat(balance.get("available").asLong()).isEqualTo(availableBefore - 2);

    // The finished job's event stream, through the gateway, replays its history and ends.
    HttpResponse<String> events = get("/jobs/" + jobId + "/events", stack.devToken);
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.body()).contains("event:node_started", "event:image_generated", "event:image_stored",
        "event:job_completed");

    // The job queue's call-backs, with the service key the launcher generated for it: any job,
    // its steps, a completion it can only confirm; the dev token (a user) never gets them.
    String queueKey = Files.readAllLines(stack.dataDirectory.resolve("env/job-queue.env")).stream()
        .filter(line -> line.startsWith("EMPROPS_API_KEY=")).findFirst().orElseThrow()
        .replaceFirst("EMPROPS_API_KEY='?([^']*)'?", "$1");
    JsonNode verified = json.readTree(get("/jobs/" + jobId, queueKey).body()).get("data");
    assertThat(verified.get("status").asString()).isEqualTo("completed");
    assertThat(verified.get("workflow_output").asString()).startsWith(stack.cdnBaseUrl() + "/generations/");
    HttpResponse<String> steps = get("/jobs/" + jobId + "/steps", queueKey);
    assertThat(steps.statusCode()).as(steps.body()).isEqualTo(200);
    assertThat(json.readTree(steps.body()).get("steps")).hasSize(2)
        .allSatisfy(step -> assertThat(step.get("status").asString()).isEqualTo("completed"));
    assertThat(send("POST", "/jobs/" + jobId + "/complete", queueKey, "{}").statusCode()).isEqualTo(200);
    assertThat(get("/jobs/" + jobId + "/steps", stack.devToken).statusCode()).isEqualTo(403);
  }

  @Test
  @Order(7)
  void aCancelledGenerationReleasesItsCredits() throws Exception {
    // A workflow whose queue service no worker serves: the job waits in the queue until cancelled.
    HttpResponse<String> workflow = send("POST", "/workflows", stack.devToken, """
        {"name": "e2e-unserved", "description": "nobody serves it", "type": "direct_job",
         "service_required": "e2e-nobody", "credits_cost": 3,
         "data": {"template": {"prompt": "{{prompt}}"}, "fields": [{"name": "prompt", "type": "text", "required": true}]}}""");
    assertThat(workflow.statusCode()).as(workflow.body()).isEqualTo(201); // a fresh stack
    String collectionId = createCollection("e2e-unserved");
    JsonNode before = balance();
    long availableBefore = before.get("available").asLong();
    long reservedBefore = before.get("reserved").asLong();

    String jobId = generate(collectionId);
    awaitJob(jobId, "queued");
    // Queued may come first: a job the owner's known credit standing covers starts before
    // credits-service's reservation, which follows as an event.
    assertThat(awaitBalance(stack.devToken, b -> b.get("reserved").asLong() == reservedBefore + 6).get("available").asLong())
        .as("3 credits x 2 generations held").isEqualTo(availableBefore - 6);

    HttpResponse<String> cancelled = send("POST", "/jobs/" + jobId + "/cancel", stack.devToken, "");
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    awaitBalance(stack.devToken, b -> b.get("available").asLong() == availableBefore);
  }

  @Test
  @Order(8)
  void oneCallCreatesACollectionFromAWorkflowAndGeneratesIt() throws Exception {
    String workflowId = null;
    for (JsonNode workflow : json.readTree(get("/workflows", stack.devToken).body()).get("data")) {
      if ("mock-image".equals(workflow.get("name").asString())) {
        workflowId = workflow.get("id").asString();
      }
    }
    assertThat(workflowId).as("the local stack seeds mock-image").isNotNull();

    HttpResponse<String> created = send("POST", "/api/collections/generate", stack.devToken, """
        {"title": "One call", "workflow_id": "%s", "variables": {"prompt": "a lighthouse"}, "generations": 1,
         "metadata": {"editions": 10, "price": 0.01, "blockchain": "BASE"}}""".formatted(workflowId));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode data = json.readTree(created.body()).get("data");
    String collectionId = data.get("collection_id").asString();

    JsonNode job = awaitJob(data.get("job_id").asString(), "completed");
    assertThat(job.get("collection_id").asString()).isEqualTo(collectionId);
    assertThat(job.get("outputs").get(0).get("url").asString()).startsWith(stack.cdnBaseUrl() + "/generations/");
    HttpResponse<String> collection = get("/collections/" + collectionId, stack.devToken);
    assertThat(collection.statusCode()).as(collection.body()).isEqualTo(200);
    assertThat(json.readTree(collection.body()).get("data").get("title").asString()).isEqualTo("One call");
  }

  @Test
  @Order(8)
  void aCollectionIsPublishedOnTheChainAndFollowedToConfirmed() throws Exception {
    String id = readyToPublish("{\"title\": \"E2E on chain\", \"blockchain\": \"BASE\", \"editions\": 7, \"price\": 0.01}",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    HttpResponse<String> publish = send("POST", "/collections/" + id + "/publish", stack.devToken, "");
    assertThat(publish.statusCode()).as(publish.body()).isEqualTo(202);
    JsonNode publication = Awaitility.await("publication confirmed").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          HttpResponse<String> response = get("/collections/" + id + "/publication", stack.devToken);
          return response.statusCode() == 200 ? json.readTree(response.body()).get("data") : null;
        }, data -> data != null && "confirmed".equals(data.get("status").asString()));
    assertThat(publication.get("status").asString()).as(publication.toString()).isEqualTo("confirmed");
    assertThat(publication.get("chain_id").asLong()).isEqualTo(31337);

    // Straight from the chain: the contract the gateway told us about is this collection.
    String contract = publication.get("contract_address").asString();
    Web3j chain = Web3j.build(new HttpService("http://127.0.0.1:" + stack.port("chain")));
    try {
      assertThat(call(chain, contract, "name", new TypeReference<Utf8String>() {})).isEqualTo("E2E on chain");
      assertThat(call(chain, contract, "editions", new TypeReference<Uint256>() {})).isEqualTo(BigInteger.valueOf(7));
    } finally {
      chain.shutdown();
    }
    // The collection itself follows (PublicationConfirmed reached collections-service).
    Awaitility.await("collection published").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> json.readTree(get("/collections/" + id, stack.devToken).body()).get("data"),
            data -> "published".equals(data.get("status").asString()));
    // Its ERC-7572 metadata is public.
    HttpResponse<String> metadata = get("/metadata/" + id + "/contract", null);
    assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
    assertThat(json.readTree(metadata.body()).get("name").asString()).isEqualTo("E2E on chain");
  }

  @Test
  @Order(8)
  void aTezosCollectionIsRefusedWith422BeforeAnythingChanges() throws Exception {
    String id = readyToPublish("{\"blockchain\": \"TEZOS\", \"editions\": 3}", "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb");
    HttpResponse<String> refused = send("POST", "/collections/" + id + "/publish", stack.devToken, "");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(json.readTree(refused.body()).get("code").asString()).isEqualTo("CHAIN_UNSUPPORTED");
    JsonNode unchanged = json.readTree(get("/collections/" + id, stack.devToken).body()).get("data");
    assertThat(unchanged.get("status").asString()).isEqualTo("draft");
  }

  @Test
  @Order(8)
  void anEndpointRegisteredThroughTheGatewayReceivesASignedJobCompletedWebhook() throws Exception {
    List<Received> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 50);
    receiver.createContext("/e2e-hook", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
            exchange.getRequestHeaders().getFirst("webhook-timestamp"),
            exchange.getRequestHeaders().getFirst("webhook-signature"),
            exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8)));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    receiver.start();
    try {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/e2e-hook";
      HttpResponse<String> created = send("POST", "/webhooks", stack.devToken,
          "{\"url\": \"" + url + "\", \"event_types\": [\"job.completed\"], \"description\": \"e2e\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode endpoint = json.readTree(created.body()).get("data");
      String endpointId = endpoint.get("id").asString();
      String secret = endpoint.get("secret").asString();
      assertThat(secret).startsWith("whsec_");
      assertThat(get("/webhooks/" + endpointId, stack.devToken).body()).doesNotContain(secret);

      String jobId = generate(createCollection("mock-image"));
      awaitJob(jobId, "completed");
      Received hook = Awaitility.await("job.completed of " + jobId + " at the receiver").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> received.stream().filter(r -> r.body().contains(jobId)).findFirst().orElse(null),
              java.util.Objects::nonNull);

      // Standard Webhooks, checked from the specification: HMAC-SHA256 of "id.timestamp.body"
      // with the key behind whsec_, base64, in a "v1,<signature>" entry; a fresh timestamp.
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(
          java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      String expected = java.util.Base64.getEncoder().encodeToString(
          mac.doFinal((hook.id() + "." + hook.timestamp() + "." + hook.body()).getBytes(StandardCharsets.UTF_8)));
      assertThat(hook.id()).startsWith("msg_");
      assertThat(List.of(hook.signature().split(" "))).contains("v1," + expected);
      assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(hook.timestamp()))).isLessThan(300);
      assertThat(hook.contentType()).startsWith("application/json");
      JsonNode body = json.readTree(hook.body());
      assertThat(body.get("type").asString()).isEqualTo("job.completed");
      assertThat(body.get("version").asInt()).isEqualTo(1);
      assertThat(body.get("data").get("job_id").asString()).isEqualTo(jobId);
      assertThat(body.get("data").get("outputs")).hasSize(2);
      assertThat(received).as("only the subscribed type").allMatch(r -> r.body().contains("\"job.completed\""));

      // Its delivery log, through the gateway: delivered on the first attempt with the receiver's 204.
      JsonNode delivery = Awaitility.await("delivered entry in the log").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> {
            for (JsonNode item : json.readTree(get("/webhooks/" + endpointId + "/deliveries", stack.devToken).body())
                .get("data").get("items")) {
              if (hook.id().equals(item.get("webhook_id").asString()) && "delivered".equals(item.get("status").asString())) {
                return item;
              }
            }
            return null;
          }, java.util.Objects::nonNull);
      assertThat(delivery.get("response_status").asInt()).isEqualTo(204);
      assertThat(delivery.get("event_type").asString()).isEqualTo("job.completed");

      assertThat(send("DELETE", "/webhooks/" + endpointId, stack.devToken, "").statusCode()).isEqualTo(204);
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  @Order(8)
  void collectorsMintTokensAndEachTokensMetadataResolvesToItsOwnStoredImage() throws Exception {
    String id = readyToPublish("{\"title\": \"E2E mints\", \"blockchain\": \"BASE\", \"editions\": 5, \"price\": 0.01}",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    assertThat(send("POST", "/collections/" + id + "/publish", stack.devToken, "").statusCode()).isEqualTo(202);
    String contract = Awaitility.await("the publication is confirmed").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          HttpResponse<String> response = get("/collections/" + id + "/publication", stack.devToken);
          JsonNode data = response.statusCode() == 200 ? json.readTree(response.body()).get("data") : null;
          return data != null && "confirmed".equals(data.get("status").asString())
              ? data.get("contract_address").asString() : null;
        }, java.util.Objects::nonNull);

    // A collector (one of the local chain's unlocked accounts, not the publishing signer) mints
    // three tokens at the collection's price, straight on the chain as a wallet would.
    Web3j chain = Web3j.build(new HttpService("http://127.0.0.1:" + stack.port("chain")));
    String collector;
    try {
      collector = chain.ethAccounts().send().getAccounts().get(3);
      String mint = FunctionEncoder.encode(new Function("mint", List.of(), List.of()));
      for (int i = 0; i < 3; i++) {
        String tx = chain.ethSendTransaction(Transaction.createFunctionCallTransaction(collector, null, null,
            BigInteger.valueOf(300_000), contract, new BigInteger("10000000000000000"), mint)).send().getTransactionHash();
        assertThat(tx).as("mint %d sent", i + 1).isNotNull();
      }
    } finally {
      chain.shutdown();
    }

    // Each confirmed mint becomes a token whose own generation is stored: the public list and the
    // public metadata name the stored image.
    JsonNode tokens = Awaitility.await("three tokens ready").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> json.readTree(get("/collections/" + id + "/tokens", null).body()).get("data").get("items"),
            data -> data != null && data.size() == 3
                && java.util.stream.StreamSupport.stream(data.spliterator(), false)
                    .allMatch(token -> "ready".equals(token.get("status").asString())));
    java.util.Set<String> hashes = new java.util.HashSet<>();
    java.util.Set<String> images = new java.util.HashSet<>();
    for (JsonNode token : tokens) {
      assertThat(token.get("owner").asString()).isEqualToIgnoringCase(collector);
      hashes.add(token.get("hash").asString());
      HttpResponse<String> metadata = get("/metadata/" + id + "/" + token.get("token_id").asLong(), null);
      assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
      JsonNode body = json.readTree(metadata.body());
      assertThat(body.get("name").asString()).isEqualTo("E2E mints #" + token.get("token_id").asLong());
      assertThat(body.get("hash").asString()).isEqualTo(token.get("hash").asString());
      String image = body.get("image").asString();
      assertThat(image).isEqualTo(token.get("image_url").asString()).startsWith(stack.cdnBaseUrl() + "/generations/");
      images.add(image);
      HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(image)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(png.statusCode()).isEqualTo(200);
      assertThat(isPng(png.body())).as("the token's image is a PNG").isTrue();
    }
    assertThat(hashes).as("every token has its own hash").hasSize(3);
    assertThat(images).as("every token has its own image").hasSize(3);
    // A token that was never minted has no metadata.
    assertThat(get("/metadata/" + id + "/5", null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(8)
  void plainUsersFollowTheirGenerationLiveUseKeysMeetTheirLimitsAndNeverSeeEachOthersThings() throws Exception {
    Path issuerKey = stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json");
    String alice = io.emprops.localstack.infra.DevTokenIssuer.mint(issuerKey, "e2e-alice-" + UUID.randomUUID(),
        List.of("user"), Duration.ofHours(1));
    String bob = io.emprops.localstack.infra.DevTokenIssuer.mint(issuerKey, "e2e-bob-" + UUID.randomUUID(),
        List.of("user"), Duration.ofHours(1));

    // Alice, an ordinary user, creates a collection and generates; she follows the job live over
    // SSE and over WebSocket, both opened right after the 202, through the gateway.
    JsonNode collection = createCollectionNode(alice, "mock-image");
    String collectionId = collection.get("id").asString();
    String jobId = generate(alice, collectionId);
    java.util.List<String> wsTypes = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<Void> wsDone = new java.util.concurrent.CompletableFuture<>();
    java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + alice)
        .buildAsync(URI.create(stack.gatewayUrl.replaceFirst("^http", "ws") + "/ws"), new java.net.http.WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              String type = json.readTree(text.toString()).path("type").asString("");
              text.setLength(0);
              wsTypes.add(type);
              if (type.equals("job_completed") || type.equals("job_failed")) {
                wsDone.complete(null);
              }
            }
            ws.request(1);
            return null;
          }

          @Override
          public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
            wsDone.completeExceptionally(new AssertionError(
                "the socket closed (" + status + " " + reason + ") after " + wsTypes));
            return null;
          }

          @Override
          public void onError(java.net.http.WebSocket ws, Throwable error) {
            wsDone.completeExceptionally(new AssertionError("the socket failed after " + wsTypes, error));
          }
        }).get(20, TimeUnit.SECONDS);
    socket.sendText("{\"type\": \"subscribe\", \"job_id\": \"" + jobId + "\"}", true).get(10, TimeUnit.SECONDS);
    HttpResponse<java.util.stream.Stream<String>> sse = http.send(HttpRequest.newBuilder(
            URI.create(stack.gatewayUrl + "/jobs/" + jobId + "/events")).header("Authorization", "Bearer " + alice)
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(sse.statusCode()).isEqualTo(200);
    List<String> sseEvents = java.util.concurrent.CompletableFuture.supplyAsync(() -> sse.body()
            .filter(line -> line.startsWith("event:")).map(line -> line.substring("event:".length()).trim())
            .toList())
        .get(120, TimeUnit.SECONDS); // the stream ends after the terminal event
    assertThat(sseEvents).contains("node_started", "image_stored").last().isEqualTo("job_completed");
    try {
      wsDone.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no terminal event over the WebSocket within 120 s; it got " + wsTypes, e);
    }
    assertThat(wsTypes).contains("image_stored").last().isEqualTo("job_completed");
    socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");

    // Bob, another ordinary user, cannot see or touch any of it: 404, as if it did not exist.
    for (String path : List.of("/jobs/" + jobId, "/jobs/" + jobId + "/events", "/jobs/" + jobId + "/history",
        "/collections/" + collectionId)) {
      HttpResponse<String> seen = get(path, bob);
      assertThat(seen.statusCode()).as("bob GET %s", path).isEqualTo(404);
      assertThat(json.readTree(seen.body()).get("code").asString()).isEqualTo("NOT_FOUND");
    }
    assertThat(send("POST", "/jobs/" + jobId + "/cancel", bob, "").statusCode()).isEqualTo(404);
    assertThat(send("PUT", "/collections/" + collectionId + "/preview", bob,
        "{\"enabled\": true, \"is_remixable\": true}").statusCode()).isEqualTo(404);

    // The anonymous feed shows Alice's collection once she enables its preview; Bob remixes it.
    assertThat(send("PUT", "/collections/" + collectionId + "/preview", alice,
        "{\"enabled\": true, \"is_remixable\": true}").statusCode()).isIn(200, 204);
    HttpResponse<String> feed = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/feed?size=0")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(feed.statusCode()).isEqualTo(200);
    assertThat(json.readTree(feed.body()).get("data").get("collections").findValuesAsString("id")).contains(collectionId);
    HttpResponse<String> remix = send("POST", "/collections/" + collectionId + "/remix", bob, "{}");
    assertThat(remix.statusCode()).as(remix.body()).isEqualTo(201);
    JsonNode fork = json.readTree(remix.body()).get("data");
    assertThat(fork.get("id").asString()).isNotEqualTo(collectionId);
    assertThat(fork.get("title").asString()).isEqualTo("Fork of E2E");
    assertThat(get("/collections/" + fork.get("id").asString(), bob).statusCode()).isEqualTo(200);

    // An API key's life: created (shown once), it acts as Alice; revoked, it is refused.
    HttpResponse<String> created = send("POST", "/api-keys", alice, "{\"name\": \"e2e\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode key = json.readTree(created.body()).get("data");
    HttpResponse<String> byKey = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/jobs/" + jobId))
        .header("X-API-Key", key.get("key").asString()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(200);
    assertThat(send("DELETE", "/api-keys/" + key.get("id").asString(), alice, "").statusCode()).isEqualTo(204);
    HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/jobs/" + jobId))
        .header("X-API-Key", key.get("key").asString()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(revoked.statusCode()).isEqualTo(401);

    // More than she can pay: 402, nothing held. Then more requests than the limit: 429 with Retry-After.
    HttpResponse<String> workflow = send("POST", "/workflows", stack.devToken, """
        {"name": "e2e-expensive", "description": "costs more than a starting grant", "type": "direct_job",
         "service_required": "mock", "credits_cost": 100000,
         "data": {"template": {"prompt": "{{prompt}}"}, "fields": [{"name": "prompt", "type": "text", "required": true}]}}""");
    assertThat(workflow.statusCode()).as(workflow.body()).isEqualTo(201);
    String expensive = createCollectionNode(alice, "e2e-expensive").get("id").asString();
    long available = json.readTree(get("/credits/balance", alice).body()).get("data").get("available").asLong();
    HttpResponse<String> unpaid = requestGeneration(alice, expensive, "e2e-unpaid");
    assertThat(unpaid.statusCode()).as(unpaid.body()).isEqualTo(402);
    assertThat(json.readTree(unpaid.body()).get("code").asString()).isEqualTo("INSUFFICIENT_CREDITS");
    assertThat(json.readTree(get("/credits/balance", alice).body()).get("data").get("available").asLong())
        .isEqualTo(available);
    HttpResponse<String> limited = null;
    for (int i = 0; i < 12 && (limited == null || limited.statusCode() != 429); i++) {
      limited = send("POST", "/collections/" + expensive + "/generations", alice, "{}", "Idempotency-Key", "e2e-limit-" + i);
    }
    assertThat(limited.statusCode()).as("within 12 requests of a 10-a-minute limit").isEqualTo(429);
    assertThat(json.readTree(limited.body()).get("code").asString()).isEqualTo("RATE_LIMITED");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  @Order(8)
  void aPlainUsersFailedGenerationRetriedThroughTheApiCompletesAndIsChargedOnce() throws Exception {
    Path issuerKey = stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json");
    String carol = io.emprops.localstack.infra.DevTokenIssuer.mint(issuerKey, "e2e-carol-" + UUID.randomUUID(),
        List.of("user"), Duration.ofHours(1));
    // The dev worker fails the first attempt of a prompt marked [fail-once]; the same input succeeds again.
    HttpResponse<String> created = send("POST", "/api/collections/create", carol, """
        {"title": "E2E retry", "instruction_set": {"version": "v2",
          "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "[fail-once] %s"}}],
          "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false}, "variables": []}}"""
        .formatted(UUID.randomUUID()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String collectionId = json.readTree(created.body()).get("data").get("id").asString();
    long availableBefore = balance(carol).get("available").asLong();

    String failedJob = generate(carol, collectionId);
    JsonNode failed = awaitJob(carol, failedJob, "failed");
    assertThat(failed.get("error").asString()).contains("[fail-once]");
    awaitBalance(carol, b -> b.get("reserved").asLong() == 0);
    assertThat(balance(carol).get("available").asLong()).as("a failed job spends nothing").isEqualTo(availableBefore);

    HttpResponse<String> retried = send("POST", "/jobs/" + failedJob + "/retry", carol, "");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    String retryJob = json.readTree(retried.body()).get("data").get("job_id").asString();
    assertThat(retryJob).isNotEqualTo(failedJob);
    JsonNode completed = awaitJob(carol, retryJob, "completed");
    assertThat(completed.get("outputs")).hasSize(1);
    assertThat(completed.get("outputs").get(0).get("url").asString()).startsWith(stack.cdnBaseUrl() + "/generations/");
    assertThat(completed.get("outputs").get(0).get("asset_id").asString()).isNotBlank();

    // Charged once, 1 credit, for the retry; the failed job's hold released, never charged.
    JsonNode settled = awaitBalance(carol, b -> b.get("reserved").asLong() == 0
        && b.get("available").asLong() <= availableBefore - 1);
    assertThat(settled.get("available").asLong()).isEqualTo(availableBefore - 1);
    JsonNode ledger = json.readTree(get("/credits/history?size=100", carol).body()).get("data").get("items");
    List<JsonNode> charges = java.util.stream.StreamSupport.stream(ledger.spliterator(), false)
        .filter(entry -> "charge".equals(entry.get("kind").asString())).toList();
    assertThat(charges).as("charges in %s", ledger).hasSize(1);
    assertThat(charges.getFirst().get("reference").asString()).isEqualTo("job:" + retryJob);
    assertThat(Math.abs(charges.getFirst().get("amount").asLong())).isEqualTo(1);
    assertThat(ledger.findValuesAsString("reference")).as("the failed job's reservation is in the ledger").contains("job:" + failedJob);
    // Asking again returns the same retry, not a second one.
    HttpResponse<String> again = send("POST", "/jobs/" + failedJob + "/retry", carol, "");
    assertThat(json.readTree(again.body()).get("data").get("job_id").asString()).as(again.body()).isEqualTo(retryJob);
  }

  /** A webhook as the e2e receiver got it. */
  private record Received(String id, String timestamp, String signature, String contentType, String body) {}

  /** A new collection with {@code fields} set, paying everything to {@code receiver}: ready to publish. */
  private String readyToPublish(String fields, String receiver) throws Exception {
    JsonNode collection = createCollectionNode("mock-image");
    String id = collection.get("id").asString();
    String path = "/projects/" + collection.get("project_id").asString() + "/collections/" + id;
    HttpResponse<String> updated = send("PUT", path, stack.devToken, fields);
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(204);
    HttpResponse<String> receivers = send("POST", path + "/receivers", stack.devToken,
        "{\"receivers\": [{\"address\": \"" + receiver + "\", \"value\": 100}]}");
    assertThat(receivers.statusCode()).as(receivers.body()).isEqualTo(200);
    return id;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object call(Web3j chain, String contract, String function, TypeReference<?> returns) throws Exception {
    Function call = new Function(function, List.of(), List.of((TypeReference) returns));
    String result = chain.ethCall(Transaction.createEthCallTransaction(null, contract, FunctionEncoder.encode(call)),
        DefaultBlockParameterName.LATEST).send().getValue();
    return FunctionReturnDecoder.decode(result, call.getOutputParameters()).getFirst().getValue();
  }

  @Test
  @Order(8)
  void aGenerationsImagesBecomeDownloadablePngAssetsAndUploadsStreamThroughTheGateway() throws Exception {
    // The dev worker returns its images inline; storage stores them (GenerationStepCompleted →
    // AssetStored) and the generator attaches each asset to its output before the job completes.
    String collectionId = createCollection("mock-image");
    String jobId = generate(collectionId);
    // The job's live stream, through the gateway, until its terminal event closes it.
    HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/jobs/" + jobId + "/events"))
            .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + stack.devToken)
            .header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    JsonNode job = awaitJob(jobId, "completed");
    assertThat(job.get("outputs")).hasSize(2);

    List<JsonNode> stored = sseData(stream.body(), "image_stored");
    assertThat(stored).as("image_stored on the stream").hasSize(2);
    assertThat(sseData(stream.body(), "image_generated")).hasSize(2)
        .allSatisfy(generated -> assertThat(generated.get("url").isNull()).as("no URL before it is stored").isTrue());
    List<JsonNode> completed = sseData(stream.body(), "job_completed");
    assertThat(completed).hasSize(1);
    for (JsonNode output : job.get("outputs")) {
      String assetId = output.get("asset_id").asString();
      assertThat(output.get("status").asString()).isEqualTo("stored");
      assertThat(stored).as("the stream told asset %s", assetId)
          .anyMatch(e -> assetId.equals(e.get("asset_id").asString()) && output.get("url").equals(e.get("url")));
      assertThat(completed.getFirst().get("outputs").findValuesAsString("asset_id")).contains(assetId);
      JsonNode asset = json.readTree(get("/assets/" + assetId, stack.devToken).body()).get("data");
      assertThat(asset.get("job_id").asString()).isEqualTo(jobId);
      assertThat(asset.get("mime_type").asString()).isEqualTo("image/png");
      assertThat(asset.get("cdn_url").asString()).isEqualTo(output.get("url").asString());
      HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(output.get("url").asString())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(image.statusCode()).isEqualTo(200);
      assertThat(isPng(image.body())).as("PNG signature").isTrue();
      assertThat((long) image.body().length).isEqualTo(asset.get("size").asLong());
    }
    // No inline image data anywhere a client looks: the job, its history, its stream, the job list.
    String seen = get("/jobs/" + jobId, stack.devToken).body() + get("/jobs/" + jobId + "/history", stack.devToken).body()
        + stream.body() + get("/jobs?size=100", stack.devToken).body();
    assertThat(seen).doesNotContain("data:image").doesNotContain("base64");

    // The images are the collection's samples once it is in the feed, and a collection can be made
    // from one of them, reproducing its generation.
    assertThat(send("PUT", "/collections/" + collectionId + "/preview", stack.devToken,
        "{\"enabled\": true, \"is_remixable\": true}").statusCode()).isIn(200, 204);
    List<String> outputUrls = job.get("outputs").findValuesAsString("url");
    JsonNode item = Awaitility.await("collection " + collectionId + " in the feed with its two samples")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          for (JsonNode candidate : json.readTree(get("/feed?size=0", stack.devToken).body()).get("data").get("collections")) {
            if (candidate.toString().contains(collectionId) && candidate.get("sample_images").size() == 2) {
              return candidate;
            }
          }
          return null;
        }, java.util.Objects::nonNull);
    assertThat(item.get("sample_images").findValuesAsString("url")).containsExactlyInAnyOrderElementsOf(outputUrls);
    String assetId = job.get("outputs").get(1).get("asset_id").asString();
    // Asked again while the generation's input is still on its way (409).
    HttpResponse<String> copy = Awaitility.await("a collection from asset " + assetId).atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> send("POST", "/projects/collections?asset_id=" + assetId, stack.devToken, "{}"),
            response -> response.statusCode() != 409);
    assertThat(copy.statusCode()).as(copy.body()).isEqualTo(201);
    JsonNode copied = json.readTree(copy.body()).get("data");
    assertThat(copied.get("id").asString()).isNotEqualTo(collectionId);
    assertThat(copied.get("data").get("steps").get(0).get("nodeName").asString()).isEqualTo("mock-image");
    assertThat(copied.get("data").get("generations").get("generations").asInt()).as("one generation: the asset's").isEqualTo(1);

    // An upload streams through the gateway to the store; its download is a redirect to the store.
    byte[] png = png();
    HttpResponse<String> uploaded = upload("through-the-gateway.png", png);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isIn(200, 201);
    String uploadId = json.readTree(uploaded.body()).get("data").get("id").asString();
    HttpResponse<String> redirect = get("/assets/" + uploadId + "/download", stack.devToken);
    assertThat(redirect.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> downloaded = http.send(
        HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("Location").orElseThrow())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(downloaded.statusCode()).isEqualTo(200);
    assertThat(downloaded.body()).isEqualTo(png);

    // A refusal reaches the client whole through the gateway, in the envelope.
    HttpResponse<String> html = upload("cat.png", "<!DOCTYPE html><html><script>x</script></html>".getBytes());
    assertThat(html.statusCode()).isEqualTo(415);
    assertThat(json.readTree(html.body()).get("code").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
  }

  private HttpResponse<String> upload(String fileName, byte[] content) throws Exception {
    String boundary = "e2e-" + java.util.UUID.randomUUID();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
    return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/assets"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + stack.devToken)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] png() throws Exception {
    var image = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 4, 0x00ff7f);
    image.setRGB(5, 6, (int) (System.nanoTime() & 0xffffff)); // a new asset on every run
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** The data of every event named {@code event} in an SSE body. */
  private List<JsonNode> sseData(String body, String event) {
    List<JsonNode> data = new java.util.ArrayList<>();
    for (String frame : body.split("\n\n")) {
      String name = null;
      StringBuilder payload = new StringBuilder();
      for (String line : frame.split("\n")) {
        if (line.startsWith("event:")) {
          name = line.substring("event:".length()).strip();
        } else if (line.startsWith("data:")) {
          payload.append(line.substring("data:".length()));
        }
      }
      if (event.equals(name)) {
        data.add(json.readTree(payload.toString()));
      }
    }
    return data;
  }

  private static boolean isPng(byte[] bytes) {
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    return bytes.length > 8 && java.util.Arrays.equals(bytes, 0, 8, signature, 0, 8);
  }

  private String createCollection(String workflow) throws Exception {
    return createCollectionNode(workflow).get("id").asString();
  }

  private JsonNode createCollectionNode(String workflow) throws Exception {
    return createCollectionNode(stack.devToken, workflow);
  }

  private JsonNode createCollectionNode(String token, String workflow) throws Exception {
    HttpResponse<String> created = send("POST", "/api/collections/create", token, """
        {"title": "E2E", "instruction_set": {"version": "v2",
          "steps": [{"id": 1, "nodeName": "%s", "nodePayload": {"prompt": "e2e {{subject}}"}}],
          "generations": {"generations": 2, "hashes": [], "use_custom_hashes": false},
          "variables": [{"name": "subject", "type": "text", "value": "fox"}]}}""".formatted(workflow));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json.readTree(created.body()).get("data");
  }

  private String generate(String collectionId) throws Exception {
    return generate(stack.devToken, collectionId);
  }

  private String generate(String token, String collectionId) throws Exception {
    HttpResponse<String> generation = requestGeneration(token, collectionId, "e2e-" + collectionId);
    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(202);
    return json.readTree(generation.body()).get("data").get("job_id").asString();
  }

  /** A generation request, asked again while the generator's read model has not got the collection yet. */
  private HttpResponse<String> requestGeneration(String token, String collectionId, String idempotencyKey)
      throws Exception {
    // At most 8 requests (the generation rate limit is 10 a minute) while the answer is 404.
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    return Awaitility.await("the generator knows collection " + collectionId).atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(1500))
        .until(() -> {
          requests.incrementAndGet();
          return send("POST", "/collections/" + collectionId + "/generations", token, "{}",
              "Idempotency-Key", idempotencyKey);
        }, response -> response.statusCode() != 404 || requests.get() >= 8);
  }

  private JsonNode awaitJob(String jobId, String status) {
    return awaitJob(stack.devToken, jobId, status);
  }

  private JsonNode awaitJob(String token, String jobId, String status) {
    return Awaitility.await("job " + jobId + " " + status).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> json.readTree(get("/jobs/" + jobId, token).body()).get("data"),
            job -> status.equals(job.get("status").asString()));
  }

  private JsonNode balance() throws Exception {
    return balance(stack.devToken);
  }

  private JsonNode balance(String token) throws Exception {
    return json.readTree(get("/credits/balance", token).body()).get("data");
  }

  private JsonNode awaitBalance(String token, java.util.function.Predicate<JsonNode> settled) {
    return Awaitility.await("balance settles").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> balance(token), settled);
  }

  private HttpResponse<String> send(String method, String path, String token, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(9)
  void aServicePortReachedDirectlyGrantsNothing() throws Exception {
    int creditsPort = stack.port("credits-service");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + creditsPort + "/credits/balance"))
        .header("X-User-Id", "mallory").header("X-User-Roles", "admin").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json.readTree(response.body()).get("code").asString()).isEqualTo("UNAUTHORIZED");
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
