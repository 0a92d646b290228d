package io.emprops.generator.domain.workflow;

import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** What an admin sends to create or replace a workflow. */
public record WorkflowDraft(
    String name, String description, String type, JsonNode data, String serviceRequired,
    Long creditsCost, List<UUID> models, Boolean enabled) {}
