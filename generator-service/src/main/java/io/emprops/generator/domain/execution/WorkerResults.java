package io.emprops.generator.domain.execution;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Finds the output files in a queue worker's result, whatever the depth the worker put them at
 * (JOB-QUEUE.md, "Facts observed with the real queue"):
 * <ul>
 *   <li>{@code complete_job} carries {@code result: {success, data: {…}, processing_time_ms}};
 *       {@code jobs:completed} wraps that once more: {@code {success, data: {success, data: {…},
 *       processing_time_ms}, completed_at}}. The queue's envelopes ({@code success} next to
 *       {@code data}) are taken off, as deep as they go, to reach the connector's own result.
 *   <li>A file is an object with a URL ({@code image_url} of image connectors, {@code url},
 *       {@code mock_url} of the mock connector, …) or an inline payload ({@code image_base64},
 *       {@code base64}, {@code b64_json}, …), its MIME type in {@code mime_type} (or its
 *       variants, or {@code format}); or a URL string in a list.
 *   <li>Lists of files come under {@code images}, {@code image_urls}, {@code outputs},
 *       {@code files}, {@code results}, {@code data} (as OpenAI's images API puts them), …
 * </ul>
 * A result with no file we recognise is not an error here: it is kept as it is (a text step's
 * output feeds its dependants), and the engine reports it.
 */
public final class WorkerResults {

  /** Fields that hold one file's location, by preference. */
  private static final List<String> URL_FIELDS = List.of(
      "image_url", "imageUrl", "output_url", "outputUrl", "file_url", "fileUrl", "asset_url", "video_url",
      "url", "cdn_url", "mock_url", "mockUrl");
  /** Fields that hold one file inline, base64-encoded. */
  private static final List<String> BASE64_FIELDS = List.of(
      "image_base64", "imageBase64", "base64", "b64_json", "image_data", "base64_data");
  private static final List<String> MIME_FIELDS = List.of(
      "mime_type", "mimeType", "content_type", "contentType", "media_type");
  private static final List<String> FORMAT_FIELDS = List.of("format", "output_format", "file_type", "extension");
  /** Fields that may hold files (one, or a list) further down. */
  private static final List<String> CONTAINER_FIELDS = List.of(
      "data", "images", "image_urls", "urls", "outputs", "output", "files", "results", "result", "artifacts",
      "assets");
  private static final Map<String, String> TYPES_BY_EXTENSION = Map.ofEntries(
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("avif", "image/avif"),
      Map.entry("svg", "image/svg+xml"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
      Map.entry("mov", "video/quicktime"), Map.entry("mp3", "audio/mpeg"), Map.entry("wav", "audio/wav"),
      Map.entry("glb", "model/gltf-binary"), Map.entry("json", "application/json"), Map.entry("txt", "text/plain"));
  private static final int MAX_DEPTH = 8;
  private static final int MAX_FILES = 100;

  private WorkerResults() {}

  /** The files in {@code result} and the connector's own result; {@code result} may be null. */
  public static StepOutput read(JsonNode result) {
    Map<String, StepOutput.File> files = new LinkedHashMap<>();
    collect(result, files, 0);
    return StepOutput.of(List.copyOf(files.values()), unwrap(result));
  }

  /** The connector's result: {@code data} of every {@code {success, data}} envelope around it. */
  static JsonNode unwrap(JsonNode result) {
    JsonNode node = result;
    for (int depth = 0; depth < MAX_DEPTH && node != null && node.isObject() && node.has("success")
        && node.has("data") && !node.get("data").isNull(); depth++) {
      node = node.get("data");
    }
    return node == null || node.isMissingNode() ? null : node;
  }

  private static void collect(JsonNode node, Map<String, StepOutput.File> files, int depth) {
    if (node == null || depth > MAX_DEPTH || files.size() >= MAX_FILES) {
      return;
    }
    if (node.isString()) {
      String text = node.asString().trim();
      if (isFileUrl(text)) {
        files.putIfAbsent(text, new StepOutput.File(text, mimeTypeOfUrl(text)));
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        collect(element, files, depth + 1);
      }
    } else if (node.isObject()) {
      fileOf(node).ifPresent(file -> files.putIfAbsent(file.url(), file));
      for (String field : CONTAINER_FIELDS) {
        JsonNode child = node.get(field);
        if (child != null && (child.isContainer() || child.isString())) {
          collect(child, files, depth + 1);
        }
      }
    }
  }

  /** The file an object describes by its own fields, if it describes one. */
  private static Optional<StepOutput.File> fileOf(JsonNode object) {
    String declared = firstText(object, MIME_FIELDS).orElseGet(() -> firstText(object, FORMAT_FIELDS)
        .map(format -> TYPES_BY_EXTENSION.get(format.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")))
        .orElse(null));
    for (String field : URL_FIELDS) {
      JsonNode value = object.get(field);
      if (value != null && value.isString() && isFileUrl(value.asString().trim())) {
        String url = value.asString().trim();
        return Optional.of(new StepOutput.File(url, declared != null ? declared : mimeTypeOfUrl(url)));
      }
    }
    for (String field : BASE64_FIELDS) {
      JsonNode value = object.get(field);
      if (value != null && value.isString() && !value.asString().isBlank()) {
        String payload = value.asString().strip();
        if (payload.regionMatches(true, 0, "data:", 0, 5)) {
          return Optional.of(new StepOutput.File(payload, declared != null ? declared : mimeTypeOfUrl(payload)));
        }
        if (isBase64(payload)) {
          String type = declared != null ? declared : sniff(payload);
          return Optional.of(new StepOutput.File("data:" + type + ";base64," + payload, type));
        }
      }
    }
    return Optional.empty();
  }

  /** An absolute http(s) URL, or a data: URL. */
  static boolean isFileUrl(String text) {
    if (text.regionMatches(true, 0, "data:", 0, 5)) {
      return text.indexOf(',') > 5;
    }
    if (!text.regionMatches(true, 0, "https://", 0, 8) && !text.regionMatches(true, 0, "http://", 0, 7)) {
      return false;
    }
    try {
      return URI.create(text).getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The type a data: URL declares, or the one its path's extension names; null when neither says. */
  static String mimeTypeOfUrl(String url) {
    if (url.regionMatches(true, 0, "data:", 0, 5)) {
      int end = url.indexOf(';');
      int comma = url.indexOf(',');
      int stop = end > 0 && end < comma ? end : comma;
      String type = url.substring(5, Math.max(5, stop)).trim();
      return type.isEmpty() ? null : type.toLowerCase(Locale.ROOT);
    }
    try {
      String path = URI.create(url).getPath();
      int dot = path == null ? -1 : path.lastIndexOf('.');
      return dot < 0 || dot < path.lastIndexOf('/') ? null
          : TYPES_BY_EXTENSION.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isBase64(String payload) {
    if (payload.length() < 8) {
      return false;
    }
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      boolean valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == '\n' || c == '\r';
      if (!valid) {
        return false;
      }
    }
    return true;
  }

  /** The type of an inline payload by its first bytes (what storage would sniff too). */
  static String sniff(String base64) {
    byte[] head;
    try {
      String start = base64.substring(0, Math.min(base64.length(), 24)).replaceAll("[\\r\\n]", "");
      start = start.substring(0, start.length() - start.length() % 4);
      head = (start.indexOf('-') >= 0 || start.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
          .decode(start);
    } catch (IllegalArgumentException e) {
      return "application/octet-stream";
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G')) {
      return "image/png";
    }
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(head, 'G', 'I', 'F', '8')) {
      return "image/gif";
    }
    if (startsWith(head, 'R', 'I', 'F', 'F') && head.length >= 12 && head[8] == 'W' && head[9] == 'E'
        && head[10] == 'B' && head[11] == 'P') {
      return "image/webp";
    }
    if (head.length >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
      return "video/mp4";
    }
    return "application/octet-stream";
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> firstText(JsonNode object, List<String> fields) {
    for (String field : fields) {
      JsonNode value = object.get(field);
      if (value != null && value.isString() && !value.asString().isBlank()) {
        return Optional.of(value.asString().trim());
      }
    }
    return Optional.empty();
  }

  /** The top-level field names of the connector's result, to say what a result we could not read held. */
  public static List<String> shapeOf(JsonNode raw) {
    List<String> names = new ArrayList<>();
    if (raw != null && raw.isObject()) {
      raw.properties().forEach(e -> names.add(e.getKey()));
    } else {
      names.add(raw == null || raw.isNull() ? "(nothing)" : raw.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return names;
  }
}
