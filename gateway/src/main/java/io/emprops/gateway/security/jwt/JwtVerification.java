package io.emprops.gateway.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import io.emprops.gateway.config.GatewayProperties;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * How bearer tokens are verified: signature by a key from the issuer's JWKS, only with the
 * asymmetric algorithms we allow (RS256, ES256 — never {@code none}, never HMAC, so a public
 * key can never be used as an HMAC secret), then issuer, audience, expiry and not-before with a
 * small clock skew. A token without {@code exp} or {@code sub} is refused. Tokens that pass are
 * remembered for a short while ({@link CachingJwtDecoder}).
 */
@Configuration(proxyBeanMethods = false)
public class JwtVerification {

  static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  @Bean
  JwksKeySource jwksKeySource(GatewayProperties properties) {
    GatewayProperties.Jwt jwt = properties.jwt();
    return new JwksKeySource(WebClient.create(), jwt.jwksUri(), ALLOWED_ALGORITHMS,
        jwt.jwksRefreshInterval(), jwt.jwksMinRefreshInterval(), Clock.systemUTC());
  }

  /** The keys are fetched as the gateway starts, not by its first caller. */
  @Bean
  ApplicationListener<ApplicationStartedEvent> signingKeysPrefetch(JwksKeySource keys) {
    return event -> keys.prefetch().subscribe();
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(GatewayProperties properties, JwksKeySource keys, Clock clock) {
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys)
        .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
            new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, new JWKSecurityContextJWKSet())))
        .build();
    decoder.setJwtValidator(validator(properties.jwt()));
    return new CachingJwtDecoder(decoder, timestamps(properties.jwt()), clock);
  }

  static OAuth2TokenValidator<Jwt> validator(GatewayProperties.Jwt jwt) {
    return new DelegatingOAuth2TokenValidator<>(List.of(
        timestamps(jwt),
        new JwtIssuerValidator(jwt.issuer()),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
            audiences -> audiences != null && audiences.contains(jwt.audience())),
        new JwtClaimValidator<String>(JwtClaimNames.SUB, subject -> subject != null && !subject.isBlank())));
  }

  private static OAuth2TokenValidator<Jwt> timestamps(GatewayProperties.Jwt jwt) {
    JwtTimestampValidator timestamps = new JwtTimestampValidator(jwt.clockSkew());
    timestamps.setAllowEmptyExpiryClaim(false);
    return timestamps;
  }
}
