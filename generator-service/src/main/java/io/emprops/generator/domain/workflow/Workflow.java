package io.emprops.generator.domain.workflow;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

public record Workflow(
    UUID id, String name, String description, WorkflowType type, JsonNode data, String serviceRequired,
    long creditsCost, List<UUID> models, boolean enabled, long version, Instant createdAt, Instant updatedAt) {

  public Workflow {
    models = List.copyOf(models);
  }
}
