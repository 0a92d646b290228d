package io.emprops.generator.domain.workflow;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a workflow runs: on the job queue (ComfyUI graph or a direct job) or as an HTTP call. */
public enum WorkflowType {
  COMFY_WORKFLOW, FETCH_API, DIRECT_JOB;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<WorkflowType> fromWire(String value) {
    return Arrays.stream(values()).filter(t -> t.wireName().equals(value)).findFirst();
  }

  /** Whether steps of this type are submitted to the job queue (and need a service). */
  public boolean runsOnQueue() {
    return this != FETCH_API;
  }
}
