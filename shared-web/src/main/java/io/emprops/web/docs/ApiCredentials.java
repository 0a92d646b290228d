package io.emprops.web.docs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The two ways a client authenticates at the gateway (API.md "Authentication"), as OpenAPI
 * security schemes: either one (never both: that is 400 AMBIGUOUS_CREDENTIALS). Public reads
 * accept a call without either, hence the empty requirement.
 */
public final class ApiCredentials {

  public static final String BEARER = "bearer";
  public static final String API_KEY = "api_key";

  private ApiCredentials() {}

  public static void describe(OpenAPI document) {
    if (document.getComponents() == null) {
      document.setComponents(new Components());
    }
    document.getComponents()
        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
            .scheme("bearer").bearerFormat("JWT")
            .description("A JWT from the platform's sign-in (HS256) or `./run token <user>` locally."))
        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.HEADER).name("X-API-Key")
            .description("An API key from POST /api-keys."));
    document.addSecurityItem(new SecurityRequirement().addList(BEARER))
        .addSecurityItem(new SecurityRequirement().addList(API_KEY))
        .addSecurityItem(new SecurityRequirement());
  }
}
