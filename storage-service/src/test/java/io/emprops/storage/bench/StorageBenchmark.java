package io.emprops.storage.bench;

import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.StackLayout;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Upload and download throughput through the gateway against straight to the object store, in
 * the same run and on the same store: the stack is started as a developer starts it
 * ({@code ./run up}, gateway and storage-service only, their own port block and data folder), and
 * files just under the gateway's 50 MB upload limit go
 * <ul>
 *   <li>direct: AWS SDK v2 {@code PutObject} to the S3 store (s3proxy) with the settings the
 *       service uses (and, for comparison, the same in 8 MB parts as the service writes larger
 *       files), and a {@code GET} of a presigned URL;
 *   <li>through the gateway: {@code POST /assets} multipart (JWT, rate limit, identity signing,
 *       then the service streams it to the store, sniffing and hashing on the way), and
 *       {@code GET /assets/{id}/download}, whose 302 the client follows to the store;
 *   <li>storage-service called directly with the gateway's headers, to tell the two hops apart.
 * </ul>
 * Downloads use the same HTTP client on both paths, so only the path differs.
 * Then the output ingestion latency of real generations ({@link IngestionLatency}), for which the
 * stack also runs collections-, credits- and generator-service.
 * Rounds alternate the two paths so that the machine's noise falls on both; the first round warms
 * up and is not counted. Every gateway upload is a different user's (uploads are rate limited to
 * 5 a minute per user).
 *
 * <pre>./run bench storage [rounds] [megabytes] [images]</pre>  (default 6 rounds of 48 MB and no
 * ingestion phase; e.g. {@code 0 0 600}: only the ingestion of 600 images)
 */
public final class StorageBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern GATEWAY = Pattern.compile("^Gateway:\\s+(\\S+)", Pattern.MULTILINE);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Path root = repositoryRoot();
  private boolean generations;
  private Path data;
  private Process stack;
  private String gateway;
  private String storage;
  private InternalCredential credential;
  private S3Client s3;
  private S3Presigner presigner;
  private String bucket;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 48;
    // Opt-in until its first complete run on a quiet machine (see the issue 14 closing note).
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    StorageBenchmark bench = new StorageBenchmark();
    bench.generations = images > 0;
    try {
      bench.startStack();
      if (rounds > 0) {
        bench.run(rounds, megabytes);
      }
      if (images > 0) {
        new IngestionLatency(bench.http, bench.gateway, bench.data).run(images);
      }
    } finally {
      bench.stop();
    }
    System.exit(0);
  }

  private void run(int rounds, int megabytes) throws Exception {
    int size = megabytes * 1024 * 1024;
    Totals directUp = new Totals();
    Totals gatewayUp = new Totals();
    Totals serviceUp = new Totals();
    Totals directMultipartUp = new Totals();
    Totals directDown = new Totals();
    Totals gatewayDown = new Totals();
    for (int round = 0; round <= rounds; round++) {
      boolean counted = round > 0;
      byte[] content = content(size, round);
      String key = "bench/" + UUID.randomUUID() + ".mp4";
      String token = DevTokenIssuer.mint(data.resolve("dev-issuer/signing-key.json"), "bench-" + UUID.randomUUID(),
          List.of("user"), Duration.ofHours(1));

      long started = System.nanoTime();
      s3.putObject(b -> b.bucket(bucket).key(key).contentType("video/mp4"), RequestBody.fromBytes(content));
      directUp.add(counted, size, System.nanoTime() - started);

      started = System.nanoTime();
      String assetId = uploadThroughGateway(token, content);
      gatewayUp.add(counted, size, System.nanoTime() - started);

      started = System.nanoTime();
      putInParts(key + ".parts", content);
      directMultipartUp.add(counted, size, System.nanoTime() - started);
      s3.deleteObject(b -> b.bucket(bucket).key(key + ".parts"));

      started = System.nanoTime();
      uploadTo(storage, serviceHeaders(), content);
      serviceUp.add(counted, size, System.nanoTime() - started);

      started = System.nanoTime();
      check(download(presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
          .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI()), size, "direct download");
      directDown.add(counted, size, System.nanoTime() - started);

      started = System.nanoTime();
      check(downloadThroughGateway(token, assetId), size, "gateway download");
      gatewayDown.add(counted, size, System.nanoTime() - started);

      s3.deleteObject(b -> b.bucket(bucket).key(key));
      System.out.printf("round %d%s: up direct %.0f / gateway %.0f / service alone %.0f MB/s, down direct %.0f / gateway %.0f MB/s%n",
          round, counted ? "" : " (warm-up)", directUp.last(), gatewayUp.last(), serviceUp.last(), directDown.last(),
          gatewayDown.last());
    }
    System.out.printf("%n%d rounds of %d MB each way, %d cores, after one warm-up round%n", rounds, megabytes,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("upload     direct %7.1f MB/s   gateway %7.1f MB/s   ratio %.2f  (target >= 0.80)%n",
        directUp.rate(), gatewayUp.rate(), gatewayUp.rate() / directUp.rate());
    System.out.printf("           (direct in %d MB parts, as the service writes: %.1f MB/s; ratio gateway/that %.2f)%n",
        Integer.getInteger("bench.part-mb", 8), directMultipartUp.rate(), gatewayUp.rate() / directMultipartUp.rate());
    System.out.printf("           (storage-service called directly, without the gateway: %.1f MB/s)%n", serviceUp.rate());
    System.out.printf("download   direct %7.1f MB/s   gateway %7.1f MB/s   ratio %.2f  (gateway: 302, then the store)%n",
        directDown.rate(), gatewayDown.rate(), gatewayDown.rate() / directDown.rate());
  }

  /**
   * A multipart upload in 8 MB parts ({@code -Dbench.part-mb} to match another
   * {@code emprops.storage.part-size}), one after the other: how the service writes what does not
   * fit in one part.
   */
  private void putInParts(String key, byte[] content) {
    int part = Integer.getInteger("bench.part-mb", 8) * 1024 * 1024;
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("video/mp4")).uploadId();
    List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
    for (int offset = 0, number = 1; offset < content.length; offset += part, number++) {
      int length = Math.min(part, content.length - offset);
      int n = number;
      String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n),
          RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(content, offset, length))).eTag();
      parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(n).eTag(etag).build());
    }
    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
  }

  private String uploadThroughGateway(String token, byte[] content) throws Exception {
    return uploadTo(gateway, new String[] {"Authorization", "Bearer " + token}, content);
  }

  /** The headers the gateway would forward for a new user (for calling storage-service directly). */
  private String[] serviceHeaders() {
    CallerIdentity caller = CallerIdentity.user("bench-" + UUID.randomUUID(), java.util.Set.of("user"));
    return new String[] {IdentityHeaders.USER_ID, caller.userId().orElseThrow(), IdentityHeaders.USER_ROLES,
        caller.rolesHeader(), IdentityHeaders.INTERNAL_AUTH, credential.sign("POST", "/assets", caller)};
  }

  private String uploadTo(String base, String[] headers, byte[] content) throws Exception {
    String boundary = "bench-" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.mp4\"\r\n"
        + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/assets"))
        .headers(headers)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
            HttpRequest.BodyPublishers.ofByteArray(content), HttpRequest.BodyPublishers.ofByteArray(tail)))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).get("data").get("id").asString();
  }

  private long downloadThroughGateway(String token, String assetId) throws Exception {
    HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(gateway + "/assets/" + assetId + "/download"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
    if (redirect.statusCode() != 302) {
      throw new IllegalStateException("download answered " + redirect.statusCode());
    }
    return download(URI.create(redirect.headers().firstValue("Location").orElseThrow()));
  }

  /** A GET with the same client on both paths, so that only the path differs. */
  private long download(URI url) throws Exception {
    HttpResponse<InputStream> content = http.send(HttpRequest.newBuilder(url).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = content.body()) {
      return drain(in);
    }
  }

  /** Video-like content: an MP4 header, then random bytes (incompressible, different every round). */
  private static byte[] content(int size, int seed) {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    byte[] ftyp = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
    System.arraycopy(ftyp, 0, content, 0, ftyp.length);
    return content;
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
    }
    return total;
  }

  private static void check(long read, long expected, String what) {
    if (read != expected) {
      throw new IllegalStateException(what + " read " + read + " bytes, expected " + expected);
    }
  }

  // --- the stack ------------------------------------------------------------------------------

  private void startStack() throws Exception {
    data = Files.createTempDirectory("emprops-bench-storage-");
    int base = Ports.freeBlock(32_000, StackLayout.PORT_BLOCK);
    Path output = data.resolve("run.out");
    String jvmOptions = System.getenv().getOrDefault("BENCH_STORAGE_JVM_OPTIONS",
        "-Xms128m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError");
    stack = new ProcessBuilder("bash", root.resolve("run").toString(), "up", "--port-base", Integer.toString(base),
        "--data-dir", data.toString(), "--no-chain", "--no-worker",
        "--without", generations ? "publishing-service" : "collections-service,credits-service,generator-service,publishing-service",
        "--jvm-opts", jvmOptions)
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
    while (true) {
      String text = Files.exists(output) ? Files.readString(output) : "";
      if (text.contains("READY")) {
        Matcher m = GATEWAY.matcher(text);
        m.find();
        gateway = m.group(1);
        break;
      }
      if (!stack.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("./run up did not get ready:\n" + text);
      }
      Thread.sleep(500);
    }
    Map<String, String> env = Files.readAllLines(data.resolve("env/storage-service.env")).stream()
        .filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
            l -> l.substring(l.indexOf('=') + 1).replaceAll("^'|'$", "")));
    bucket = env.get("EMPROPS_STORAGE_S3_BUCKET");
    storage = "http://127.0.0.1:" + env.get("SERVER_PORT");
    credential = new InternalCredential(env.get("EMPROPS_INTERNAL_SECRET"));
    s3 = S3Client.builder()
        .endpointOverride(URI.create(env.get("EMPROPS_STORAGE_S3_ENDPOINT")))
        .region(Region.of(env.get("EMPROPS_STORAGE_S3_REGION")))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            env.get("EMPROPS_STORAGE_S3_ACCESSKEY"), env.get("EMPROPS_STORAGE_S3_SECRETKEY"))))
        .build();
    presigner = S3Presigner.builder()
        .endpointOverride(URI.create(env.get("EMPROPS_STORAGE_S3_ENDPOINT")))
        .region(Region.of(env.get("EMPROPS_STORAGE_S3_REGION")))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            env.get("EMPROPS_STORAGE_S3_ACCESSKEY"), env.get("EMPROPS_STORAGE_S3_SECRETKEY"))))
        .build();
    System.out.println("stack ready: gateway " + gateway + ", store " + env.get("EMPROPS_STORAGE_S3_ENDPOINT"));
  }

  private void stop() throws Exception {
    if (s3 != null) {
      s3.close();
      presigner.close();
    }
    if (stack != null && stack.isAlive()) {
      stack.destroy();
      if (!stack.waitFor(90, TimeUnit.SECONDS)) {
        stack.destroyForcibly();
      }
    }
    if (data != null && System.getenv("BENCH_KEEP_DATA") != null) {
      System.out.println("the stack's data and logs are kept in " + data + " (BENCH_KEEP_DATA)");
    } else if (data != null) {
      try (var paths = Files.walk(data)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("run"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (the folder with ./run)");
    }
    return dir;
  }

  /** Bytes and time of one path. */
  private static final class Totals {
    private long bytes;
    private long nanos;
    private double last;

    void add(boolean counted, long size, long elapsed) {
      last = size / 1e6 / (elapsed / 1e9);
      if (counted) {
        bytes += size;
        nanos += elapsed;
      }
    }

    double last() {
      return last;
    }

    double rate() {
      return bytes / 1e6 / (nanos / 1e9);
    }
  }
}
