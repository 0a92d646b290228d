package io.emprops.generator.domain.execution;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What a finished step produced.
 *
 * @param files the output files found in it, in the order the worker listed them (empty when it
 *     produced none we recognise)
 * @param raw the worker's own result with the queue's envelopes taken off ({@code data} of
 *     {@code {success, data}}, as deep as they go), kept as it is; a JSON null when there was none
 * @param value what dependants' {@code $ref}s receive: the first file's URL when there is one,
 *     else {@code raw}
 */
public record StepOutput(List<File> files, JsonNode raw, JsonNode value) {

  /**
   * One output file.
   *
   * @param url where it is: the worker's URL, or a {@code data:} URL for inline output
   *     (storage-service makes it durable)
   * @param mimeType as the worker said or as its URL, name or first bytes tell; null when unknown
   */
  public record File(String url, String mimeType) {
    public File {
      Objects.requireNonNull(url, "url");
    }
  }

  public StepOutput {
    files = List.copyOf(files);
    raw = raw == null ? JsonNodeFactory.instance.nullNode() : raw;
    value = value == null ? raw : value;
  }

  static StepOutput of(List<File> files, JsonNode raw) {
    return new StepOutput(files, raw,
        files.isEmpty() ? raw : JsonNodeFactory.instance.stringNode(files.getFirst().url()));
  }

  /** Whether the step produced at least one file we recognise. */
  public boolean hasFiles() {
    return !files.isEmpty();
  }

  /**
   * From a queue worker's result, as stored in {@code jobs:completed} or published with
   * {@code complete_job}: see {@link WorkerResults}.
   */
  public static StepOutput fromQueueResult(JsonNode result) {
    return WorkerResults.read(result);
  }

  /** From a fetch_api step: the value its JSON path selected; a URL string is its file. */
  public static StepOutput fromFetch(JsonNode output) {
    if (output != null && output.isString()) {
      String text = output.asString();
      if (WorkerResults.isFileUrl(text)) {
        return of(List.of(new File(text, WorkerResults.mimeTypeOfUrl(text))), output);
      }
    }
    return of(List.of(), output);
  }
}
