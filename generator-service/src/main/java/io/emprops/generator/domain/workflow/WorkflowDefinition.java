package io.emprops.generator.domain.workflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A workflow's {@code data}, read: the {@code template} (the payload a step submits, or for
 * {@code fetch_api} the request {@code {method, url, headers, body}}) in which {@code {{name}}}
 * placeholders stand for inputs, and the declared {@code fields}.
 *
 * <pre>{@code
 * {"template": {"prompt": "portrait of {{subject}}", "steps": "{{steps}}"},
 *  "fields": [{"name": "subject", "type": "text", "required": true},
 *             {"name": "steps", "type": "integer", "min": 1, "max": 100, "default": 20}],
 *  "output": {"json_path": "$.data[0].url"}}
 * }</pre>
 */
public record WorkflowDefinition(JsonNode template, List<FormField> fields, String outputJsonPath) {

  /**
   * Reads and checks {@code data}.
   *
   * @param problems receives one message per problem, prefixed with its path under {@code data}
   */
  public static WorkflowDefinition read(WorkflowType type, JsonNode data, List<String> problems) {
    JsonNode template = data.get("template");
    if (template == null || !(template.isObject() || template.isArray())) {
      problems.add("data.template: must be a JSON object");
    } else if (type == WorkflowType.FETCH_API) {
      if (!template.path("url").isString()) {
        problems.add("data.template.url: is required for fetch_api workflows");
      }
      String method = template.path("method").asString("GET");
      if (!List.of("GET", "POST", "PUT", "PATCH").contains(method)) {
        problems.add("data.template.method: must be GET, POST, PUT or PATCH");
      }
    }
    List<FormField> fields = new ArrayList<>();
    JsonNode declared = data.path("fields");
    if (!declared.isMissingNode() && !declared.isArray()) {
      problems.add("data.fields: must be an array");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; declared.isArray() && i < declared.size(); i++) {
      JsonNode f = declared.get(i);
      String path = "data.fields[" + i + "]";
      String name = f.path("name").asString("");
      String fieldType = f.path("type").asString("text");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
        problems.add(path + ".name: must be an identifier");
      } else if (!names.add(name)) {
        problems.add(path + ".name: duplicate field " + name);
      }
      if (!FormField.TYPES.contains(fieldType)) {
        problems.add(path + ".type: must be one of " + String.join(", ", FormField.TYPES));
      }
      List<String> options = new ArrayList<>();
      f.path("options").forEach(o -> options.add(o.asString()));
      if (fieldType.equals("select") && options.isEmpty()) {
        problems.add(path + ".options: a select field needs options");
      }
      fields.add(new FormField(name, fieldType, f.path("required").asBoolean(false), f.get("default"),
          List.copyOf(options), number(f, "min"), number(f, "max"),
          f.hasNonNull("max_length") ? f.get("max_length").asInt() : null, f.path("description").asString("")));
    }
    String outputPath = data.path("output").path("json_path").asString(null);
    if (type == WorkflowType.FETCH_API && (outputPath == null || !outputPath.startsWith("$"))) {
      problems.add("data.output.json_path: fetch_api workflows name the output with a JSON path starting with $");
    }
    return new WorkflowDefinition(template, List.copyOf(fields), outputPath);
  }

  private static Double number(JsonNode node, String field) {
    return node.hasNonNull(field) && node.get(field).isNumber() ? node.get(field).asDouble() : null;
  }
}
