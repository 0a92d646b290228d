package io.emprops.gateway.security;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.gateway.ratelimit.RateLimitFilter;
import io.emprops.gateway.ratelimit.FailedAuthenticationThrottle;
import io.emprops.gateway.ratelimit.FixedWindowRateLimiter;
import io.emprops.gateway.security.apikeys.ApiKeyAuthentication;
import io.emprops.gateway.security.apikeys.ApiKeyStore;
import io.emprops.gateway.security.jwt.BearerTokenConverter;
import io.emprops.gateway.security.servicekeys.ServiceKeyAuthentication;
import io.emprops.gateway.security.servicekeys.ServiceKeyProperties;
import io.emprops.gateway.security.jwt.CallerJwtConverter;
import io.emprops.web.api.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * Who may call what. Stateless: every request proves itself with a bearer token (JWT from the
 * identity provider) or an API key; nothing is kept between requests (no session, no CSRF).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

  @Bean
  SecurityWebFilterChain securityFilterChain(ServerHttpSecurity http, GatewayProperties properties,
      ReactiveJwtDecoder jwtDecoder, ApiKeyStore apiKeys, FixedWindowRateLimiter rateLimiter,
      FailedAuthenticationThrottle failedAuthentications, Clock clock, ServiceKeyProperties serviceKeys) {
    EnvelopeAuthenticationEntryPoint entryPoint = new EnvelopeAuthenticationEntryPoint(failedAuthentications);

    AuthenticationWebFilter apiKeyFilter =
        new AuthenticationWebFilter(ApiKeyAuthentication.manager(apiKeys));
    apiKeyFilter.setRequiresAuthenticationMatcher(ApiKeyAuthentication.matcher());
    apiKeyFilter.setServerAuthenticationConverter(ApiKeyAuthentication.converter());
    apiKeyFilter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
    apiKeyFilter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

    AuthenticationWebFilter serviceKeyFilter =
        new AuthenticationWebFilter(ServiceKeyAuthentication.manager(serviceKeys));
    serviceKeyFilter.setRequiresAuthenticationMatcher(ServiceKeyAuthentication.matcher());
    serviceKeyFilter.setServerAuthenticationConverter(ServiceKeyAuthentication.converter());
    serviceKeyFilter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
    serviceKeyFilter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

    http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .headers(headers -> headers
            .frameOptions(frame -> frame.mode(Mode.DENY))
            .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
            .contentSecurityPolicy(csp -> csp.policyDirectives("frame-ancestors 'none'"))
            .hsts(hsts -> hsts.maxAge(Duration.ofDays(365)).includeSubdomains(true)))
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers(HttpMethod.OPTIONS).permitAll()
            .matchers(PublicEndpoints.PUBLIC_API, PublicEndpoints.OPERATIONS_AND_DOCS).permitAll()
            .anyExchange().authenticated())
        .oauth2ResourceServer(resourceServer -> resourceServer
            .bearerTokenConverter(ServiceKeyAuthentication.exceptServiceKeys(new BearerTokenConverter()))
            .jwt(jwt -> jwt
                .jwtDecoder(jwtDecoder)
                .jwtAuthenticationConverter(new CallerJwtConverter()))
            .authenticationEntryPoint(entryPoint)
            .accessDeniedHandler((exchange, denied) ->
                EnvelopeResponses.write(exchange, ErrorCode.FORBIDDEN, "Forbidden")))
        .exceptionHandling(handling -> handling
            .authenticationEntryPoint(entryPoint)
            .accessDeniedHandler((exchange, denied) ->
                EnvelopeResponses.write(exchange, ErrorCode.FORBIDDEN, "Forbidden")))
        .addFilterBefore(new CredentialAmbiguityFilter(), SecurityWebFiltersOrder.HTTP_BASIC)
        .addFilterAt(apiKeyFilter, SecurityWebFiltersOrder.AUTHENTICATION)
        .addFilterAt(serviceKeyFilter, SecurityWebFiltersOrder.AUTHENTICATION)
        // After authentication (it needs the caller), before authorization (so that anonymous
        // calls to protected endpoints are counted too).
        .addFilterBefore(new RateLimitFilter(rateLimiter, properties.rateLimits(), clock),
            SecurityWebFiltersOrder.AUTHORIZATION);

    GatewayProperties.Cors cors = properties.cors();
    if (cors.allowedOrigins().isEmpty()) {
      http.cors(ServerHttpSecurity.CorsSpec::disable);
    } else {
      http.cors(spec -> spec.configurationSource(corsSource(cors)));
    }
    return http.build();
  }

  /**
   * No observations of Security's own filters, authentications and authorizations: wrapping every
   * filter of the chain in an observation is per-request work that no dashboard reads, and the
   * outcome (401, 403, 429) is counted in {@code http.server.requests} all the same.
   */
  @Bean
  SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  /**
   * Requests the firewall refuses (encoded slashes or dots, path traversal, odd methods): 400 in
   * the envelope rather than a bare status.
   */
  @Bean
  ServerExchangeRejectedHandler envelopeRejectedHandler() {
    return (exchange, rejected) ->
        EnvelopeResponses.write(exchange, ErrorCode.VALIDATION_FAILED, "Malformed request");
  }

  private static UrlBasedCorsConfigurationSource corsSource(GatewayProperties.Cors cors) {
    CorsConfiguration configuration = new CorsConfiguration();
    configuration.setAllowedOrigins(cors.allowedOrigins());
    configuration.setAllowedMethods(cors.allowedMethods());
    configuration.setAllowedHeaders(cors.allowedHeaders());
    configuration.setExposedHeaders(cors.exposedHeaders());
    configuration.setMaxAge(cors.maxAge());
    // Credentials travel in headers, never in cookies.
    configuration.setAllowCredentials(false);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", configuration);
    return source;
  }
}
