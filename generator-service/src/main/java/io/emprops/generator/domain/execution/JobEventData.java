package io.emprops.generator.domain.execution;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The {@code data} of a job's events about its steps and outputs. */
@Component
class JobEventData {

  private final JsonMapper json;

  JobEventData(JsonMapper json) {
    this.json = json;
  }

  ObjectNode step(JobStep step) {
    ObjectNode data = json.createObjectNode();
    data.put("step_id", step.stepId());
    data.put("generation", step.generation());
    return data;
  }

  /**
   * An output as clients see it, in {@code GET /jobs/{id}}, {@code job_completed} and the image
   * events: {@code generation, step_id, index, asset_id, url} (durable, null until stored),
   * {@code mime_type, status} ({@code storing | stored | failed}) and {@code error}.
   */
  ObjectNode output(JobOutput output) {
    ObjectNode data = json.createObjectNode();
    data.put("generation", output.generation());
    data.put("step_id", output.stepId());
    data.put("index", output.index());
    data.put("asset_id", output.assetId() == null ? null : output.assetId().toString());
    data.put("url", output.url());
    data.put("mime_type", output.mimeType());
    data.put("status", output.status().wireName());
    data.put("error", output.error());
    return data;
  }

  ObjectNode object() {
    return json.createObjectNode();
  }
}
