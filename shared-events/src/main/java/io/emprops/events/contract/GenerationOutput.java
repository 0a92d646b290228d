package io.emprops.events.contract;

import java.util.UUID;

/** One stored output of a finished generation job (as in {@code GET /jobs/{id}} outputs). */
public record GenerationOutput(int generation, int stepId, UUID assetId, String url, String mimeType) {}
