package io.emprops.generator.domain.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonPathTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final JsonNode document = json.readTree("""
      {"data": [{"url": "https://cdn.example.com/a.png", "it's": 1}, {"url": null}],
       "a b": {"x-y_1": true}, "count": 2}""");

  @Test
  void walksFieldsAndIndexesInBothNotations() {
    assertThat(JsonPath.compile("$.data[0].url").read(document))
        .contains(json.getNodeFactory().stringNode("https://cdn.example.com/a.png"));
    assertThat(JsonPath.compile("$['data'][0][\"url\"]").read(document))
        .isEqualTo(JsonPath.compile("$.data[0].url").read(document));
    assertThat(JsonPath.compile("$['a b'].x-y_1").read(document).map(JsonNode::asBoolean)).contains(true);
    assertThat(JsonPath.compile("$.data[0]['it\\'s']").read(document).map(JsonNode::asInt)).contains(1);
  }

  @Test
  void theRootPathIsTheWholeDocument() {
    assertThat(JsonPath.compile("$").read(document)).containsSame(document);
  }

  @Test
  void aJsonNullIsAValue() {
    assertThat(JsonPath.compile("$.data[1].url").read(document)).hasValueSatisfying(node -> assertThat(node.isNull()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"$.nothing", "$.data[2]", "$.data.url", "$.count[0]", "$.count.x", "$.data[0].url.x", "$[0]"})
  void whatIsNotThereIsEmpty(String path) {
    assertThat(JsonPath.compile(path).read(document)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"data[0]", "$.", "$..url", "$.*", "$[*]", "$[-1]", "$[1:2]", "$[?(@.url)]", "$['url'",
      "$['url']x", "$[0", "$[]", "$['a\\b']", "$[99999999999]", "$data", "$.data[0]url", "$.(x)"})
  void refusesWhatItDoesNotSupport(String path) {
    assertThatIllegalArgumentException().isThrownBy(() -> JsonPath.compile(path))
        .withMessageStartingWith("invalid JSON path " + path + " at position ");
  }

  @Test
  void namesWhereTheProblemIs() {
    assertThatIllegalArgumentException().isThrownBy(() -> JsonPath.compile("$.data[-1]"))
        .withMessage("invalid JSON path $.data[-1] at position 7: expected a quoted name or a non-negative index inside [ ]");
  }

  @Test
  void aPathIsRequired() {
    assertThatIllegalArgumentException().isThrownBy(() -> JsonPath.compile(" ")).withMessage("a JSON path is required");
    assertThatIllegalArgumentException().isThrownBy(() -> JsonPath.compile(null)).withMessage("a JSON path is required");
  }

  @Test
  void printsAsWritten() {
    assertThat(JsonPath.compile("$['data'][0]")).hasToString("$['data'][0]");
  }
}
