package io.emprops.collections.domain.instructions;

import static io.emprops.collections.domain.instructions.InstructionSetsFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class DotPathsTest {

  private final ObjectNode document = parse("""
      {'title': 'T', 'description': null,
       'data': {'steps': [{'nodePayload': {'prompt': 'a cat', 'size': {'w': 512}}}]}}
      """);

  @Test
  void replacesPropertiesAndArrayElementsAlongThePath() {
    assertThat(DotPaths.replace(document, "title", text("New"))).isTrue();
    assertThat(DotPaths.replace(document, "description", text("Now described"))).isTrue();
    assertThat(DotPaths.replace(document, "data.steps.0.nodePayload.prompt", text("a dog"))).isTrue();
    assertThat(DotPaths.replace(document, "data.steps.0.nodePayload.size.w", JsonNodeFactory.instance.numberNode(1024))).isTrue();

    assertThat(document.get("title").asString()).isEqualTo("New");
    assertThat(document.get("description").asString()).isEqualTo("Now described");
    assertThat(document.at("/data/steps/0/nodePayload/prompt").asString()).isEqualTo("a dog");
    assertThat(document.at("/data/steps/0/nodePayload/size/w").intValue()).isEqualTo(1024);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "data.steps.1.nodePayload.prompt", // index out of range
      "data.steps.first.nodePayload.prompt", // not an index
      "data.steps.00.nodePayload.prompt", // not a canonical index
      "data.steps.0.nodePayload.promt", // misspelt: only existing paths can be set
      "description.text", // descends into null
      "title.x", "", ".title", "title.", "data..steps"})
  void pathsThatDoNotExistChangeNothing(String path) {
    ObjectNode before = document.deepCopy();
    assertThat(DotPaths.replace(document, path, text("x"))).isFalse();
    assertThat(document).isEqualTo(before);
  }

  private static tools.jackson.databind.JsonNode text(String value) {
    return JsonNodeFactory.instance.stringNode(value);
  }
}
