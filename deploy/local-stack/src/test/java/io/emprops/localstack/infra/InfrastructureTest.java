package io.emprops.localstack.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Each starter serves what the services rely on, checked with the clients they use. */
class InfrastructureTest {

  private final Infrastructure infra = SharedInfrastructure.get();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void postgresIsReadyForLogicalDecodingAndServiceRolesOwnTheirSchema() throws Exception {
    String password = infra.provisionSchema("collections");
    try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("collections"), "collections", password)) {
      ResultSet wal = c.createStatement().executeQuery("SHOW wal_level");
      wal.next();
      assertThat(wal.getString(1)).isEqualTo("logical");
      c.createStatement().execute("CREATE TABLE probe (id int primary key)");
      ResultSet owner = c.createStatement().executeQuery(
          "SELECT schemaname FROM pg_tables WHERE tablename = 'probe'");
      owner.next();
      assertThat(owner.getString(1)).isEqualTo("collections");
      ResultSet version = c.createStatement().executeQuery("SHOW server_version_num");
      version.next();
      assertThat(version.getInt(1)).isGreaterThanOrEqualTo(170000);
      c.createStatement().execute("DROP TABLE probe");
    }
    infra.provisionSchema("credits");
    try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("credits"), "credits",
        infra.provisionSchema("credits"))) {
      assertThatThrownBy(() -> c.createStatement().execute("CREATE TABLE collections.intruder (id int)"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void kafkaDeliversWhatIsProduced() {
    String topic = "infra-test-" + UUID.randomUUID();
    infra.kafka().createTopics(List.of(topic), 3);
    try (var producer = new KafkaProducer<String, String>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        var consumer = new KafkaConsumer<String, String>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "infra-test",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
      consumer.subscribe(List.of(topic));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      long deadline = System.currentTimeMillis() + 20_000;
      while (records.isEmpty() && System.currentTimeMillis() < deadline) {
        records = consumer.poll(Duration.ofMillis(500));
      }
      assertThat(records.iterator().next().value()).isEqualTo("hello");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void redisIsVersion7WithFunctionsAndAnswersOnlyAfterAuthentication() throws Exception {
    try (var socket = new java.net.Socket(Ports.LOOPBACK, infra.redis().port())) {
      var out = socket.getOutputStream();
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
      out.write("GET any\r\n".getBytes());
      out.flush();
      assertThat(in.readLine()).startsWith("-NOAUTH");
      out.write(("AUTH " + infra.redis().password() + "\r\n").getBytes());
      out.flush();
      assertThat(in.readLine()).isEqualTo("+OK");
      out.write("INFO server\r\n".getBytes());
      out.flush();
      StringBuilder info = new StringBuilder();
      in.readLine(); // bulk length
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        info.append(line).append('\n');
      }
      assertThat(info).containsPattern("redis_version:7\\.");
      out.write("FUNCTION LIST\r\n".getBytes());
      out.flush();
      assertThat(in.readLine()).startsWith("*"); // an array: the command exists (Redis >= 7)
    }
  }

  @Test
  void objectStoreChecksSignaturesAndStoresObjects() {
    ObjectStoreServer s3 = infra.objectStore();
    try (S3Client client = client(s3.accessKey(), s3.secretKey())) {
      client.putObject(PutObjectRequest.builder().bucket(s3.bucket()).key("probe.txt").build(),
          RequestBody.fromString("stored"));
      assertThat(client.getObjectAsBytes(GetObjectRequest.builder().bucket(s3.bucket()).key("probe.txt").build())
          .asUtf8String()).isEqualTo("stored");
    }
    try (S3Client intruder = client(s3.accessKey(), "wrong-secret")) {
      assertThatThrownBy(() -> intruder.getObjectAsBytes(
          GetObjectRequest.builder().bucket(s3.bucket()).key("probe.txt").build()))
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }
  }

  @Test
  void objectStoreLetsAnyoneReadPublicObjectsButOnlySignedRequestsWrite() throws Exception {
    ObjectStoreServer s3 = infra.objectStore();
    try (S3Client client = client(s3.accessKey(), s3.secretKey())) {
      // Objects are private unless written public-read (s3proxy keeps the ACL as file permissions).
      client.putObject(PutObjectRequest.builder().bucket(s3.bucket()).key("public/probe.txt")
          .acl(ObjectCannedACL.PUBLIC_READ).build(), RequestBody.fromString("public"));
      client.putObject(PutObjectRequest.builder().bucket(s3.bucket()).key("public/private.txt").build(),
          RequestBody.fromString("private"));
    }
    HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(s3.publicBaseUrl() + "/public/probe.txt"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("public");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(s3.publicBaseUrl() + "/public/private.txt")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(s3.publicBaseUrl() + "/public/forged.txt"))
        .PUT(HttpRequest.BodyPublishers.ofString("forged")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(write.statusCode()).isEqualTo(403);
  }

  @Test
  void azuriteServesTheBlobServiceWhenNpmIsAvailable() throws Exception {
    var azurite = infra.azurite();
    assumeTrue(azurite.isPresent(), () -> "no Azurite here: " + infra.azuriteUnavailableReason());
    // Unsigned: the emulator answers as Azure does, refusing the anonymous listing.
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(azurite.get().blobEndpoint() + "?comp=list"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isIn(401, 403);
    assertThat(response.body()).contains("<Error>");
  }

  @Test
  void devIssuerServesTheKeyThatVerifiesItsTokens() throws Exception {
    DevTokenIssuer issuer = infra.issuer();
    String token = issuer.mint("alice", List.of("user"), Duration.ofMinutes(5));
    String jwks = http.send(HttpRequest.newBuilder(URI.create(issuer.jwksUrl())).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    SignedJWT jwt = SignedJWT.parse(token);
    RSAKey key = JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey();
    assertThat(key.isPrivate()).isFalse();
    assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(DevTokenIssuer.AUDIENCE);
  }

  @Test
  void chainAnswersJsonRpcWhenNpmIsAvailable() throws Exception {
    var chain = infra.chain();
    assumeTrue(chain.isPresent(), () -> "no chain here: " + infra.chainUnavailableReason());
    String response = http.send(HttpRequest.newBuilder(URI.create(chain.get().rpcUrl()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(response).contains("\"result\":\"0x7a69\""); // 31337
  }

  private static S3Client client(String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(URI.create(SharedInfrastructure.get().objectStore().url()))
        .region(Region.of(ObjectStoreServer.REGION))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

}
