package io.emprops.generator.domain.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class TemplateRendererTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  @Test
  void aWholePlaceholderTakesTheValuesTypeAndAnEmbeddedOneItsText() {
    JsonNode template = json.readTree("""
        {"prompt": "portrait of {{subject}}, {{style}} style", "steps": "{{steps}}",
         "nested": {"list": ["{{subject}}", {"deep": "{{ steps }} steps"}]}, "{{subject}}": "keys stay"}""");
    var rendered = TemplateRenderer.render(template, Map.of(
        "subject", nodes.stringNode("a fox"), "style", nodes.stringNode("ukiyo-e"), "steps", nodes.numberNode(30)));

    assertThat(rendered.missing()).isEmpty();
    assertThat(rendered.document()).isEqualTo(json.readTree("""
        {"prompt": "portrait of a fox, ukiyo-e style", "steps": 30,
         "nested": {"list": ["a fox", {"deep": "30 steps"}]}, "{{subject}}": "keys stay"}"""));
    assertThat(template.get("steps").asString()).as("the template is untouched").isEqualTo("{{steps}}");
  }

  @Test
  void placeholdersWithoutAValueAreReportedAndLeftInPlace() {
    var rendered = TemplateRenderer.render(json.readTree("{\"a\": \"{{x}} and {{y}}\", \"b\": \"{{z}}\"}"),
        Map.of("y", nodes.stringNode("Y")));
    assertThat(rendered.missing()).containsExactly("x", "z");
    assertThat(rendered.document().get("a").asString()).isEqualTo("{{x}} and Y");
  }

  @Test
  void valuesAreNotReinterpretedAsPatterns() {
    var rendered = TemplateRenderer.render(json.readTree("{\"a\": \"cost: {{price}}\"}"),
        Map.of("price", nodes.stringNode("$1 \\ {{price}}")));
    assertThat(rendered.document().get("a").asString()).isEqualTo("cost: $1 \\ {{price}}");
  }

  @Test
  void listsThePlaceholdersATemplateUses() {
    assertThat(TemplateRenderer.placeholders(json.readTree("{\"a\": [\"{{one}}\", {\"b\": \"x {{two}} {{one}}\"}]}")))
        .containsExactly("one", "two");
  }
}
