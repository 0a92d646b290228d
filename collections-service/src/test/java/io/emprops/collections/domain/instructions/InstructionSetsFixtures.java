package io.emprops.collections.domain.instructions;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Instruction sets for tests; JSON text so that they read like what clients send. */
final class InstructionSetsFixtures {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private InstructionSetsFixtures() {}

  static ObjectNode parse(String json) {
    return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
  }

  /** Three steps; step 2 refers to 1 in a nested object and inside arrays; step 3 to 1 and 2. */
  static ObjectNode threeSteps() {
    return parse("""
        {'version': 'v2',
         'steps': [
           {'id': 1, 'nodeName': 'stable-diffusion-xl', 'alias': 'Main',
            'nodePayload': {'prompt': 'portrait of {{subject}}, {{style}} style', 'width': 1024}},
           {'id': 2, 'nodeName': 'upscaler',
            'nodePayload': {'image': {'$ref': 1},
                            'options': {'layers': [{'source': {'$ref': 1}}, {'mask': {'$ref': 1, 'channel': 'alpha'}}]}}},
           {'id': 3, 'nodeName': 'compose', 'nodePayload': {'inputs': [{'$ref': 1}, [{'$ref': 2}]]}}],
         'generations': {'generations': 4, 'hashes': [], 'use_custom_hashes': false},
         'variables': [
           {'name': 'style', 'type': 'pick', 'value': {'display_names': ['A', 'B'], 'values': ['a', 'b'], 'weights': [1, 3]},
            'lock_value': false, 'test_value': 'a'},
           {'name': 'subject', 'type': 'text', 'value': 'person', 'description': 'Who is portrayed'}]}
        """);
  }
}
