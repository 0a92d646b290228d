package io.emprops.generator.domain.job;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** The body of {@code POST /collections/{id}/generations}; all optional. */
public record GenerationRequest(JsonNode variables, Integer generations, List<String> hashes) {}
