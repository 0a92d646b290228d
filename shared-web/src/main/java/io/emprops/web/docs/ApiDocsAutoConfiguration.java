package io.emprops.web.docs;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.emprops.web.identity.CallerIdentity;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Makes a service's (and the gateway's) OpenAPI document describe what goes over the wire (issue 12):
 * <ul>
 *   <li>property names as the services' JSON writes them — snake_case. springdoc introspects
 *       with swagger-core's own Jackson 2 mapper, which knows nothing of the services' Jackson 3
 *       naming strategy, so its model resolver gets a mapper with the same strategy;</li>
 *   <li>Jackson 3 tree types ({@code JsonNode} fields: instruction sets, workflow templates) as
 *       "any JSON value" rather than a bean swagger-core would walk through its getters;</li>
 *   <li>no internal parameters (the caller's identity comes from the gateway's headers) and no
 *       error path ({@code /error} is the container's, not an operation);</li>
 *   <li>the credentials a client sends — bearer JWT or API key — as security schemes, so the
 *       browsable docs offer to paste one.</li>
 * </ul>
 */
@AutoConfiguration
@ConditionalOnClass(SpringDocUtils.class)
public class ApiDocsAutoConfiguration {

  private static final String SERVLET_ERROR_CONTROLLER = "org.springframework.boot.webmvc.error.ErrorController";

  public ApiDocsAutoConfiguration() {
    SpringDocUtils config = SpringDocUtils.getConfig();
    // By name, and only where it exists: the reactive gateway has no servlet error controller.
    if (ClassUtils.isPresent(SERVLET_ERROR_CONTROLLER, getClass().getClassLoader())) {
      config.addHiddenRestControllers("io.emprops.web.error.EnvelopeErrorController");
    }
    config.addRequestWrapperToIgnore(CallerIdentity.class)
        .replaceWithSchema(tools.jackson.databind.JsonNode.class, anyJsonValue())
        .replaceWithSchema(tools.jackson.databind.node.ObjectNode.class, new ObjectSchema())
        .replaceWithSchema(tools.jackson.databind.node.ArrayNode.class, new ArraySchema().items(anyJsonValue()));
  }

  /** Replaces springdoc's default resolver (same class), keeping OpenAPI 3.1 output. */
  @Bean
  ModelResolver snakeCaseModelResolver() {
    return new ModelResolver(Json31.mapper().copy()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
        .openapi31(true);
  }

  @Bean
  OpenApiCustomizer credentialSchemes() {
    return ApiCredentials::describe;
  }

  private static JsonSchema anyJsonValue() {
    JsonSchema schema = new JsonSchema();
    schema.setDescription("Any JSON value");
    return schema;
  }
}
