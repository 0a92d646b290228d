package io.emprops.generator.domain.fetch;

import tools.jackson.databind.JsonNode;

/**
 * A successful fetch.
 *
 * @param output the value the workflow's {@code output.json_path} names in the response (never a
 *     JSON null)
 * @param status the HTTP status (2xx)
 * @param elapsedMillis time from sending the request to having read the whole response
 */
public record FetchResult(JsonNode output, int status, long elapsedMillis) {}
