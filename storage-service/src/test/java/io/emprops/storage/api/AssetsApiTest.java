package io.emprops.storage.api;

import static io.emprops.storage.support.StorageClient.data;
import static io.emprops.storage.support.StorageClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.web.testing.Images;
import io.emprops.storage.support.StorageClient;
import io.emprops.storage.support.StorageClient.Part;
import io.emprops.storage.support.StorageServiceTest;
import io.emprops.storage.support.StoreInspector;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code /assets} on the real stack: s3proxy, Postgres, Kafka (API.md, "Assets"). */
@StorageServiceTest
class AssetsApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration EVENTUALLY = Duration.ofSeconds(20);

  @Autowired Environment environment;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private StorageClient client;
  private StoreInspector store;
  private TopicRecorder assetsTopic;
  private final CallerIdentity alice = GatewayCalls.user("alice-" + UUID.randomUUID());
  private final CallerIdentity bob = GatewayCalls.user("bob-" + UUID.randomUUID());

  @BeforeEach
  void connect() {
    client = new StorageClient("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
    store = new StoreInspector();
    assetsTopic = new TopicRecorder(List.of(Topic.ASSETS.topicName()));
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    assetsTopic.close();
    store.close();
  }

  @Test
  void anUploadedImageIsStoredUnderItsKeyWithItsSniffedTypeAndAnnounced() throws Exception {
    byte[] png = Images.png(64, 1);
    UUID collection = UUID.randomUUID();

    // The collection id after the file: fields may come in any order.
    HttpResponse<String> response = client.upload(alice, List.of(
        Part.file("sunset.png", "application/octet-stream", png), Part.field("collection_id", collection.toString())));

    JsonNode asset = data(response, 201);
    String id = asset.get("id").asString();
    String key = "uploads/" + alice.userId().orElseThrow() + "/" + id + "/sunset.png";
    assertThat(response.headers().firstValue("Location")).contains("/assets/" + id);
    assertThat(asset.get("mime_type").asString()).isEqualTo("image/png");
    assertThat(asset.get("size").longValue()).isEqualTo(png.length);
    assertThat(asset.get("sha256").asString()).isEqualTo(Images.sha256(png));
    assertThat(asset.get("file_name").asString()).isEqualTo("sunset.png");
    assertThat(asset.get("collection_id").asString()).isEqualTo(collection.toString());
    assertThat(asset.get("job_id").isNull()).isTrue();
    assertThat(asset.get("url").asString()).endsWith("/" + key);
    assertThat(asset.get("cdn_url").asString()).isEqualTo(store.bucketUrl() + "/" + key);

    var head = store.head(key);
    assertThat(head.contentType()).isEqualTo("image/png");
    assertThat(head.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
    HttpResponse<byte[]> viaCdn = HTTP.send(HttpRequest.newBuilder(URI.create(asset.get("cdn_url").asString())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(viaCdn.statusCode()).isEqualTo(200);
    assertThat(viaCdn.body()).isEqualTo(png);

    assertThat(data(client.get("/assets/" + id, alice), 200)).isEqualTo(asset);

    AssetStored stored = awaitEvent(AssetStored.class, id);
    assertThat(stored.userId()).isEqualTo(alice.userId().orElseThrow());
    assertThat(stored.collectionId()).isEqualTo(collection);
    assertThat(stored.jobId()).isNull();
    assertThat(stored.url()).isEqualTo(asset.get("url").asString());
    assertThat(stored.cdnUrl()).isEqualTo(asset.get("cdn_url").asString());
    assertThat(stored.mimeType()).isEqualTo("image/png");
    assertThat(stored.size()).isEqualTo(png.length);
    assertThat(stored.sha256()).isEqualTo(Images.sha256(png));
    assertThat(pendingKeys(alice)).isEmpty();
  }

  @Test
  void theSameContentTwiceIsOneAssetOfItsUserAndNoSecondObject() {
    byte[] png = Images.png(32, 2);
    JsonNode first = data(client.upload(alice, List.of(Part.file("a.png", "image/png", png))), 201);
    JsonNode again = data(client.upload(alice, List.of(Part.file("b.png", "image/png", png))), 200);
    JsonNode bobs = data(client.upload(bob, List.of(Part.file("a.png", "image/png", png))), 201);

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(bobs.get("id")).isNotEqualTo(first.get("id"));
    assertThat(store.keys(userPrefix(alice))).hasSize(1);
    assertThat(pendingKeys(alice)).isEmpty();
  }

  @Test
  void aDownloadRedirectsToAShortLivedUrlOfTheContent() throws Exception {
    byte[] png = Images.png(48, 3);
    String id = data(client.upload(alice, List.of(Part.file("tiles.png", "image/png", png))), 201).get("id").asString();

    HttpResponse<String> redirect = client.get("/assets/" + id + "/download", alice);

    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Cache-Control")).contains("no-store");
    URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    assertThat(location.getRawQuery()).contains("X-Amz-Expires=300");
    HttpResponse<byte[]> content = HTTP.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.body()).isEqualTo(png);
    assertThat(content.headers().firstValue("Content-Disposition").orElseThrow()).contains("tiles.png");
  }

  @Test
  void theListingShowsTheCallersAssetsNewestFirstByCollectionAndPage() {
    UUID collection = UUID.randomUUID();
    List<String> inCollection = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inCollection.add(0, data(client.upload(alice, List.of(Part.field("collection_id", collection.toString()),
          Part.file("in-" + i + ".png", "image/png", Images.png(16, 10 + i)))), 201).get("id").asString());
    }
    data(client.upload(alice, List.of(Part.file("loose.png", "image/png", Images.png(16, 20)))), 201);
    data(client.upload(bob, List.of(Part.field("collection_id", collection.toString()),
        Part.file("bobs.png", "image/png", Images.png(16, 21)))), 201);

    JsonNode all = data(client.get("/assets", alice), 200);
    assertThat(all.get("total").longValue()).isEqualTo(4);
    JsonNode page = data(client.get("/assets?collection_id=" + collection + "&page=1&size=2", alice), 200);
    assertThat(page.get("total").longValue()).isEqualTo(3);
    assertThat(page.get("total_pages").intValue()).isEqualTo(2);
    assertThat(page.get("items").valueStream().map(a -> a.get("id").asString()).toList())
        .containsExactlyElementsOf(inCollection.subList(0, 2));
    JsonNode second = data(client.get("/assets?collection_id=" + collection + "&page=2&size=2", alice), 200);
    assertThat(second.get("items").get(0).get("id").asString()).isEqualTo(inCollection.get(2));

    assertThat(client.get("/assets?collection_id=nope", alice).statusCode()).isEqualTo(400);
    assertThat(client.get("/assets?size=101", alice).statusCode()).isEqualTo(400);
  }

  @Test
  void onlyTheOwnerSeesDownloadsAndDeletesAnAsset() {
    String id = data(client.upload(alice, List.of(Part.file("mine.png", "image/png", Images.png(16, 30)))), 201)
        .get("id").asString();

    for (HttpResponse<String> response : List.of(client.get("/assets/" + id, bob),
        client.get("/assets/" + id + "/download", bob), client.delete("/assets/" + id, bob))) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(json(response).get("code").asString()).isEqualTo("NOT_FOUND");
    }
    assertThat(client.get("/assets/" + id, alice).statusCode()).isEqualTo(200);
  }

  @Test
  void deletingRemovesTheObjectAndAnnouncesIt() {
    JsonNode asset = data(client.upload(alice, List.of(Part.file("gone.png", "image/png", Images.png(16, 40)))), 201);
    String id = asset.get("id").asString();

    assertThat(client.delete("/assets/" + id, alice).statusCode()).isEqualTo(204);

    assertThat(client.get("/assets/" + id, alice).statusCode()).isEqualTo(404);
    assertThat(client.delete("/assets/" + id, alice).statusCode()).isEqualTo(404);
    assertThat(store.keys(userPrefix(alice))).isEmpty();
    assertThat(pendingKeys(alice)).isEmpty();
    AssetDeleted deleted = awaitEvent(AssetDeleted.class, id);
    assertThat(deleted.userId()).isEqualTo(alice.userId().orElseThrow());
    // The same content may be uploaded again: a new asset.
    assertThat(data(client.upload(alice, List.of(Part.file("gone.png", "image/png", Images.png(16, 40)))), 201)
        .get("id").asString()).isNotEqualTo(id);
  }

  @Test
  void aPngNamedExeIsStoredAsThePngItIs() {
    JsonNode asset = data(client.upload(alice, List.of(Part.file("setup.exe", "application/x-msdownload",
        Images.png(16, 50)))), 201);
    assertThat(asset.get("mime_type").asString()).isEqualTo("image/png");
    assertThat(asset.get("file_name").asString()).isEqualTo("setup.png");
    assertThat(store.head(key(asset)).contentType()).isEqualTo("image/png");
  }

  @Test
  void htmlNamedPngIsRefusedAndNothingIsKept() {
    byte[] html = "<!DOCTYPE html><html><body><script>document.cookie</script></body></html>"
        .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response = client.upload(alice, List.of(Part.file("cat.png", "image/png", html)));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(json(response).get("code").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(json(response).get("error").asString()).contains("text/html");
    assertNothingKept(alice);
  }

  @Test
  void aFileOverTheLimitIsRefusedAndNothingIsKept() {
    // Declared: refused before a byte is read.
    HttpResponse<String> declared = client.upload(alice, List.of(Part.file("big.mp4", "video/mp4", video(13))));
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(json(declared).get("code").asString()).isEqualTo("PAYLOAD_TOO_LARGE");

    // Chunked: found out while streaming, in the second part of a multipart upload, which is aborted.
    HttpResponse<String> streamed = client.uploadChunked(bob, List.of(Part.file("big.mp4", "video/mp4", video(13))));
    assertThat(streamed.statusCode()).isEqualTo(413);
    assertNothingKept(alice);
    assertNothingKept(bob);
  }

  @Test
  void anUploadThatFailsAfterItsFileWasStoredLeavesNothing() {
    HttpResponse<String> response = client.upload(alice, List.of(Part.file("ok.mp4", "video/mp4", video(9)),
        Part.field("collection_id", "not-a-uuid")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).at("/details/0/field").asString()).isEqualTo("collection_id");
    assertNothingKept(alice);
  }

  @Test
  void anUploadCutOffMidwayLeavesNothing() throws Exception {
    double incompleteBefore = uploads("incomplete");
    byte[] content = video(11);
    List<Part> parts = List.of(Part.file("cut.mp4", "video/mp4", content));
    HttpRequest signed = client.calls().request("POST", "/assets", alice, HttpRequest.BodyPublishers.noBody()).build();
    try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(environment.getProperty("local.server.port")))) {
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder("POST /assets HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      signed.headers().map().forEach((name, values) -> {
        if (!name.equalsIgnoreCase("Content-Type")) {
          head.append(name).append(": ").append(values.getFirst()).append("\r\n");
        }
      });
      head.append("Content-Type: ").append(StorageClient.contentType()).append("\r\n")
          .append("Content-Length: ").append(StorageClient.length(parts)).append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      // More than a part (8 MB): the multipart upload to the store has begun when the client vanishes.
      out.write(StorageClient.body(parts).readNBytes(9 * 1024 * 1024));
      out.flush();
    }
    await().atMost(EVENTUALLY).until(() -> uploads("incomplete") > incompleteBefore);
    assertNothingKept(alice);
  }

  @Test
  void malformedUploadsAreClientErrorsThatKeepNothing() {
    HttpResponse<String> json = client.calls().post("/assets", alice, "{\"file\": \"x\"}");
    assertThat(json.statusCode()).isEqualTo(415);

    HttpResponse<String> noFile = client.upload(alice, List.of(Part.field("collection_id", UUID.randomUUID().toString())));
    assertThat(noFile.statusCode()).isEqualTo(400);
    assertThat(json(noFile).at("/details/0/field").asString()).isEqualTo("file");

    HttpResponse<String> unknown = client.upload(alice, List.of(Part.field("colection_id", "x"),
        Part.file("a.png", "image/png", Images.png(8, 60))));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).at("/details/0/field").asString()).isEqualTo("colection_id");

    HttpResponse<String> twoFiles = client.upload(alice, List.of(Part.file("a.png", "image/png", Images.png(8, 61)),
        Part.file("b.png", "image/png", Images.png(8, 62))));
    assertThat(twoFiles.statusCode()).isEqualTo(400);
    assertNothingKept(alice);
  }

  /** Video-like content of {@code megabytes} MiB: an MP4 header, then filler. */
  static byte[] video(int megabytes) {
    byte[] content = new byte[megabytes * 1024 * 1024];
    byte[] ftyp = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
    System.arraycopy(ftyp, 0, content, 0, ftyp.length);
    for (int i = ftyp.length; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    return content;
  }

  private void assertNothingKept(CallerIdentity user) {
    await().atMost(EVENTUALLY).untilAsserted(() -> {
      assertThat(store.keys(userPrefix(user))).as("objects").isEmpty();
      assertThat(store.unfinishedUploads(userPrefix(user))).as("unfinished multipart uploads").isZero();
      assertThat(pendingKeys(user)).as("pending keys").isEmpty();
      assertThat(jdbc.sql("SELECT count(*) FROM assets WHERE user_id = ?").param(user.userId().orElseThrow())
          .query(Long.class).single()).as("rows").isZero();
    });
  }

  private double uploads(String outcome) {
    var counter = meters.find("storage.uploads").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private List<String> pendingKeys(CallerIdentity user) {
    return jdbc.sql("SELECT object_key FROM pending_objects WHERE object_key LIKE ?")
        .param(userPrefix(user) + "%").query(String.class).list();
  }

  private static String userPrefix(CallerIdentity user) {
    return "uploads/" + user.userId().orElseThrow() + "/";
  }

  private String key(JsonNode asset) {
    String url = asset.get("url").asString();
    return url.substring(url.indexOf("/uploads/") + 1);
  }

  private <T extends io.emprops.events.contract.DomainEvent> T awaitEvent(Class<T> type, String assetId) {
    return await().atMost(EVENTUALLY).until(() -> assetsTopic.records().stream()
        .filter(r -> assetId.equals(r.key()))
        .filter(r -> type.getSimpleName().equals(eventName(r)))
        .map(r -> EventJson.deserialize(r.value(), type))
        .findFirst(), Optional::isPresent).orElseThrow();
  }

  private static String eventName(ConsumerRecord<String, byte[]> record) {
    String type = TopicRecorder.header(record, EventHeaders.EVENT_TYPE);
    return type == null ? null : type.substring(0, type.indexOf('.'));
  }
}
