package io.emprops.generator.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.web.api.ApiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GenerationPlanTest {

  private final JsonMapper json = JsonMapper.builder().build();

  /** API.md's example, with a second step that takes the first one's output twice, deep inside. */
  private InstructionSet example() {
    return InstructionSet.read(json.readTree("""
        {"version": "v2",
         "steps": [
           {"id": 2, "nodeName": "upscale", "alias": "Upscale",
            "nodePayload": {"images": [{"$ref": 1}, {"nested": {"image": {"$ref": 1}}}], "factor": 2}},
           {"id": 1, "nodeName": "stable-diffusion-xl", "alias": "Main",
            "nodePayload": {"prompt": "portrait of {{subject}}, {{style}} style", "width": 1024}}],
         "generations": {"generations": 4, "hashes": [], "use_custom_hashes": false},
         "variables": [
           {"name": "style", "type": "pick",
            "value": {"display_names": ["A", "B"], "values": ["a", "b"], "weights": [1, 3]},
            "lock_value": false, "test_value": "a"},
           {"name": "subject", "type": "text", "value": "person"},
           {"name": "frame", "type": "text", "value": "gold", "lock_value": true}]}"""));
  }

  @Test
  void stepsRunAfterTheStepsTheyReferenceWhateverTheDeclarationOrder() {
    GenerationPlan plan = GenerationPlan.plan(example(), null, null, null);
    assertThat(plan.stepOrder()).extracting(InstructionSet.Step::id).containsExactly(1, 2);
    assertThat(plan.generations()).hasSize(4);
  }

  @Test
  void theSameHashAlwaysYieldsTheSamePicks() {
    List<String> hashes = List.of("aaaaaaaa1", "bbbbbbbb2", "cccccccc3", "dddddddd4");
    GenerationPlan first = GenerationPlan.plan(example(), null, null, hashes);
    GenerationPlan second = GenerationPlan.plan(example(), null, null, hashes);
    assertThat(first.generations()).extracting(GenerationPlan.Generation::variables)
        .isEqualTo(second.generations().stream().map(GenerationPlan.Generation::variables).toList());
    assertThat(first.generations()).extracting(GenerationPlan.Generation::hash).containsExactlyElementsOf(hashes);
  }

  @Test
  void picksFollowTheWeights() {
    int b = 0;
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      if (HashSeededPicker.pick(UUID.randomUUID().toString().replace("-", ""), "style",
          List.of("a", "b"), List.of(1.0, 3.0)).equals("b")) {
        b++;
      }
    }
    assertThat(b / (double) draws).isBetween(0.73, 0.77);
  }

  @Test
  void aPickDependsOnlyOnTheHashAndItsOwnName() {
    String hash = "0123456789abcdef";
    String alone = HashSeededPicker.pick(hash, "style", List.of("a", "b", "c"), List.of(1.0, 1.0, 1.0));
    // Another variable drawn first does not shift this one's stream.
    HashSeededPicker.pick(hash, "palette", List.of("x", "y"), List.of());
    assertThat(HashSeededPicker.pick(hash, "style", List.of("a", "b", "c"), List.of(1.0, 1.0, 1.0))).isEqualTo(alone);
  }

  @Test
  void aCallersValueReplacesTheDrawAndLockedVariablesKeepTheirs() {
    GenerationPlan plan = GenerationPlan.plan(example(), json.readTree("{\"style\": \"a\", \"subject\": \"cat\"}"), 2, null);
    assertThat(plan.generations()).allSatisfy(g -> {
      assertThat(g.variables().get("style").asString()).isEqualTo("a");
      assertThat(g.variables().get("subject").asString()).isEqualTo("cat");
      assertThat(g.variables().get("frame").asString()).isEqualTo("gold");
    });
  }

  @Test
  void booleanVariablesTakeOnlyTrueOrFalse() {
    InstructionSet set = InstructionSet.read(json.readTree("""
        {"version": "v2", "steps": [{"id": 1, "nodeName": "x", "nodePayload": {"hdr": "{{hdr}}"}}],
         "generations": {"generations": 1}, "variables": [{"name": "hdr", "type": "boolean", "value": false}]}"""));
    GenerationPlan plan = GenerationPlan.plan(set, json.readTree("{\"hdr\": true}"), null, null);
    assertThat(plan.generations().getFirst().variables().get("hdr").asBoolean()).isTrue();
    assertThatThrownBy(() -> GenerationPlan.plan(set, json.readTree("{\"hdr\": \"yes\"}"), null, null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
            .extracting(d -> d.field() + ": " + d.message()).containsExactly("variables.hdr: must be true or false"));
  }

  @Test
  void invalidCallerVariablesAreNamedOneByOne() {
    assertThatThrownBy(() -> GenerationPlan.plan(example(),
        json.readTree("{\"style\": \"c\", \"frame\": \"silver\", \"mood\": \"calm\", \"subject\": 3}"), null, null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
            .extracting(d -> d.field() + ": " + d.message())
            .containsExactlyInAnyOrder(
                "variables.style: must be one of: a, b",
                "variables.frame: is locked by the collection's creator",
                "variables.mood: is not a variable of this collection",
                "variables.subject: must be a string"));
  }

  @Test
  void hashesMustMatchTheGenerationCount() {
    assertThatThrownBy(() -> GenerationPlan.plan(example(), null, 3, List.of("aaaaaaaa1")))
        .isInstanceOfSatisfying(ApiException.class, e ->
            assertThat(e.details().getFirst().field()).isEqualTo("hashes"));
    assertThatThrownBy(() -> GenerationPlan.plan(example(), null, 101, null))
        .isInstanceOfSatisfying(ApiException.class, e ->
            assertThat(e.details().getFirst().field()).isEqualTo("generations"));
  }

  @Test
  void generatedHashesAreDistinct() {
    GenerationPlan plan = GenerationPlan.plan(example(), null, 50, null);
    assertThat(plan.generations()).extracting(GenerationPlan.Generation::hash).doesNotHaveDuplicates()
        .allSatisfy(h -> assertThat(h).matches("0x[0-9a-f]{64}"));
  }

  @Test
  void aStepsPayloadGetsItsVariablesAndTheOutputsItReferences() {
    InstructionSet set = example();
    GenerationPlan plan = GenerationPlan.plan(set, json.readTree("{\"style\": \"b\"}"), 1, null);
    GenerationPlan.Generation generation = plan.generations().getFirst();
    Map<Integer, JsonNode> outputs = new HashMap<>();

    JsonNode main = GenerationPlan.payloadFor(plan.stepOrder().get(0), generation, outputs);
    assertThat(main.get("prompt").asString()).isEqualTo("portrait of person, b style");

    outputs.put(1, json.readTree("{\"url\": \"http://127.0.0.1/1.png\"}"));
    JsonNode upscale = GenerationPlan.payloadFor(plan.stepOrder().get(1), generation, outputs);
    assertThat(upscale).isEqualTo(json.readTree("""
        {"images": [{"url": "http://127.0.0.1/1.png"}, {"nested": {"image": {"url": "http://127.0.0.1/1.png"}}}],
         "factor": 2}"""));
  }

  @Test
  void cyclesAndDanglingReferencesAreRejectedNamingTheSteps() {
    InstructionSet cyclic = InstructionSet.read(json.readTree("""
        {"steps": [{"id": 1, "nodeName": "a", "nodePayload": {"x": {"$ref": 2}}},
                   {"id": 2, "nodeName": "b", "nodePayload": {"x": [{"$ref": 1}]}},
                   {"id": 3, "nodeName": "c", "nodePayload": {"x": {"$ref": 9}}}]}"""));
    assertThatThrownBy(() -> GenerationPlan.plan(cyclic, null, null, null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
            .extracting(d -> d.field() + ": " + d.message())
            .containsExactlyInAnyOrder(
                "data.steps[2].nodePayload: refers to step 9, which does not exist",
                "data.steps: the $ref dependencies form a cycle through steps [1, 2]"));
  }

  @Test
  void malformedInstructionSetsNameTheirPaths() {
    assertThatThrownBy(() -> InstructionSet.read(json.readTree("""
        {"steps": [{"id": 1, "nodeName": "a", "nodePayload": {}}, {"id": 1, "nodeName": "", "nodePayload": []}],
         "generations": {"generations": 0},
         "variables": [{"name": "s", "type": "pick", "value": {"values": ["a", "b"], "weights": [1]}},
                       {"name": "t", "type": "colour"}]}""")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details()).extracting(d -> d.field())
            .containsExactlyInAnyOrder("data.steps[1].id", "data.steps[1].nodeName", "data.steps[1].nodePayload",
                "data.generations.generations", "data.variables[0].value.weights", "data.variables[1].type"));
  }
}
