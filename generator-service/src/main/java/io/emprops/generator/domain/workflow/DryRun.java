package io.emprops.generator.domain.workflow;

import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What running the workflow would submit: for queue workflows the step payload, for
 * {@code fetch_api} the HTTP request.
 */
public record DryRun(UUID workflowId, String type, String serviceRequired, JsonNode payload,
    long creditsCost, List<UUID> models) {}
