package io.emprops.generator.domain.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Output files found in workers' results, on the exact shapes of JOB-QUEUE.md ("Facts observed
 * with the real queue"): the stored result nested once more than the message's, image
 * connectors' {@code image_url}, the mock connector's {@code mock_url}, inline and listed images;
 * and what is not a file kept as it is.
 */
class WorkerResultsTest {

  private static final String PNG_BASE64 = Base64.getEncoder().encodeToString(
      new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void anImageConnectorsResultAsARealWorkerStoresItInJobsCompleted() {
    StepOutput output = read("""
        {"success": true,
         "data": {"success": true,
                  "data": {"image_url": "https://cdn.emprops.ai/generations/u/j/0/1/out.png", "mime_type": "image/png"},
                  "processing_time_ms": 5123},
         "completed_at": "2025-06-01T10:00:00.000Z"}""");
    assertThat(output.files()).containsExactly(
        new StepOutput.File("https://cdn.emprops.ai/generations/u/j/0/1/out.png", "image/png"));
    assertThat(output.value().asString()).isEqualTo("https://cdn.emprops.ai/generations/u/j/0/1/out.png");
    assertThat(output.raw().get("image_url")).isNotNull();
  }

  @Test
  void theSameResultAsTheCompleteJobMessageCarriesIt() {
    StepOutput output = read("""
        {"success": true, "data": {"image_url": "https://cdn.emprops.ai/x.webp"}, "processing_time_ms": 80}""");
    assertThat(output.files()).containsExactly(new StepOutput.File("https://cdn.emprops.ai/x.webp", "image/webp"));
  }

  @Test
  void theMockConnectorsMockUrl() {
    StepOutput output = read("""
        {"success": true,
         "data": {"success": true,
                  "data": {"mock_url": "https://mock.emprops.ai/results/7f3c.png", "message": "Mock job completed"},
                  "processing_time_ms": 2004},
         "completed_at": "2025-06-01T10:00:00.000Z"}""");
    assertThat(output.files()).containsExactly(new StepOutput.File("https://mock.emprops.ai/results/7f3c.png", "image/png"));

    StepOutput withoutExtension = read("""
        {"success": true, "data": {"success": true, "data": {"mock_url": "https://mock.emprops.ai/r/7f3c"}}}""");
    assertThat(withoutExtension.files()).containsExactly(new StepOutput.File("https://mock.emprops.ai/r/7f3c", null));
  }

  @Test
  void anInlineImageBecomesADataUrlWithTheDeclaredOrSniffedType() {
    StepOutput declared = read("""
        {"success": true, "data": {"success": true, "data": {"image_base64": "%s", "mime_type": "image/png"}}}"""
        .formatted(PNG_BASE64));
    assertThat(declared.files()).containsExactly(
        new StepOutput.File("data:image/png;base64," + PNG_BASE64, "image/png"));

    StepOutput sniffed = read("{\"success\": true, \"data\": {\"base64\": \"" + PNG_BASE64 + "\"}}");
    assertThat(sniffed.files()).extracting(StepOutput.File::mimeType).containsExactly("image/png");

    StepOutput alreadyAUrl = read("{\"success\": true, \"data\": {\"image_url\": \"data:image/jpeg;base64,/9j/4AAQ\"}}");
    assertThat(alreadyAUrl.files()).containsExactly(new StepOutput.File("data:image/jpeg;base64,/9j/4AAQ", "image/jpeg"));
  }

  @Test
  void listsOfImagesKeepTheirOrderAndEachItsType() {
    StepOutput objects = read("""
        {"success": true, "data": {"success": true, "data": {"images": [
          {"url": "https://cdn.test/a.png", "mime_type": "image/png"},
          {"url": "https://cdn.test/b", "format": "jpeg"},
          {"url": "https://cdn.test/a.png"}]}}}""");
    assertThat(objects.files()).containsExactly(
        new StepOutput.File("https://cdn.test/a.png", "image/png"), new StepOutput.File("https://cdn.test/b", "image/jpeg"));
    assertThat(objects.value().asString()).as("dependants take the first").isEqualTo("https://cdn.test/a.png");

    StepOutput urls = read("""
        {"success": true, "data": {"image_urls": ["https://cdn.test/1.webp", "https://cdn.test/2.gif"]}}""");
    assertThat(urls.files()).extracting(StepOutput.File::mimeType).containsExactly("image/webp", "image/gif");

    // OpenAI's images API, passed through by a connector.
    StepOutput openAi = read("{\"success\": true, \"data\": {\"created\": 1, \"data\": [{\"b64_json\": \"" + PNG_BASE64
        + "\"}, {\"b64_json\": \"" + PNG_BASE64.replace("AAAA", "AAAB") + "\"}]}}");
    assertThat(openAi.files()).hasSize(2).allSatisfy(f -> assertThat(f.url()).startsWith("data:image/png;base64,"));
  }

  @Test
  void whatHoldsNoFileIsKeptAsItIs() {
    StepOutput text = read("""
        {"success": true, "data": {"success": true, "data": {"text": "a fox at dawn", "tokens": 5}}}""");
    assertThat(text.files()).isEmpty();
    assertThat(text.hasFiles()).isFalse();
    assertThat(text.raw()).isEqualTo(json.readTree("{\"text\": \"a fox at dawn\", \"tokens\": 5}"));
    assertThat(text.value()).isEqualTo(text.raw());
    assertThat(WorkerResults.shapeOf(text.raw())).containsExactly("text", "tokens");

    StepOutput relativePath = read("{\"success\": true, \"data\": {\"image_url\": \"/tmp/comfy/out.png\"}}");
    assertThat(relativePath.files()).as("not a location anyone else can read").isEmpty();
    assertThat(relativePath.raw().get("image_url").asString()).isEqualTo("/tmp/comfy/out.png");

    StepOutput nothing = StepOutput.fromQueueResult(null);
    assertThat(nothing.files()).isEmpty();
    assertThat(nothing.raw().isNull()).isTrue();
    assertThat(WorkerResults.shapeOf(nothing.raw())).containsExactly("(nothing)");
  }

  @Test
  void aFetchApiOutputIsAFileWhenItIsAUrl() {
    assertThat(StepOutput.fromFetch(json.readTree("\"https://img.test/x.jpg\"")).files())
        .containsExactly(new StepOutput.File("https://img.test/x.jpg", "image/jpeg"));
    assertThat(StepOutput.fromFetch(json.readTree("\"just text\"")).files()).isEmpty();
  }

  private StepOutput read(String result) {
    JsonNode node = json.readTree(result);
    return StepOutput.fromQueueResult(node);
  }
}
