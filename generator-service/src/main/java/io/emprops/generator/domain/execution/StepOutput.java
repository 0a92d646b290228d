package io.emprops.generator.domain.execution;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What a finished step produced.
 *
 * @param value what dependants' {@code $ref}s receive: the output's URL when it has one, else the
 *     worker's data as it is
 * @param url where the output is (the worker's URL, or a {@code data:} URL for inline output;
 *     storage-service makes it durable), null when the step produced no file
 */
public record StepOutput(JsonNode value, String url, String mimeType) {

  private static final List<String> URL_FIELDS = List.of("image_url", "url", "output_url", "file_url");

  /**
   * From a queue worker's result: {@code {success, data:{image_url?, mime_type?, ...}}} as published
   * or stored in {@code jobs:completed}; inline images come as {@code image_base64}.
   */
  public static StepOutput fromQueueResult(JsonNode result) {
    JsonNode data = result != null && result.has("data") ? result.get("data") : result;
    if (data == null || data.isMissingNode() || data.isNull()) {
      return new StepOutput(JsonNodeFactory.instance.nullNode(), null, null);
    }
    String mime = data.path("mime_type").asString(null);
    for (String field : URL_FIELDS) {
      if (data.path(field).isString() && !data.get(field).asString().isBlank()) {
        String url = data.get(field).asString();
        return new StepOutput(JsonNodeFactory.instance.stringNode(url), url, mime);
      }
    }
    if (data.path("image_base64").isString()) {
      String type = mime == null ? "image/png" : mime;
      String url = "data:" + type + ";base64," + data.get("image_base64").asString();
      return new StepOutput(JsonNodeFactory.instance.stringNode(url), url, type);
    }
    return new StepOutput(data, null, mime);
  }

  /** From a fetch_api step: the value its JSON path selected; a URL string is its file. */
  public static StepOutput fromFetch(JsonNode output) {
    if (output.isString()) {
      String text = output.asString();
      if (text.startsWith("https://") || text.startsWith("http://") || text.startsWith("data:")) {
        return new StepOutput(output, text, null);
      }
    }
    return new StepOutput(output, null, null);
  }
}
