package io.emprops.web.config;

import io.emprops.web.container.ContainerErrorConfiguration;
import io.emprops.web.error.ApiExceptionHandler;
import io.emprops.web.error.EnvelopeErrorController;
import io.emprops.web.identity.CallerIdentityArgumentResolver;
import io.emprops.web.identity.InternalAuthenticationFilter;
import io.emprops.web.identity.InternalCredential;
import io.emprops.web.input.JsonBodyRules;
import io.emprops.web.input.RequestLineRules;
import io.emprops.web.input.StrictJson;
import io.emprops.web.input.TemporalParameters;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.format.FormatterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureBefore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** What every servlet service gets from shared-web, without declaring anything. */
@AutoConfiguration
@AutoConfigureBefore(ErrorMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(InternalAuthProperties.class)
@Import({ApiExceptionHandler.class, EnvelopeErrorController.class, JsonBodyRules.class,
    ContainerErrorConfiguration.Tomcat.class, ContainerErrorConfiguration.Jetty.class})
public class SharedWebAutoConfiguration {

  /** Request JSON is taken as the type it was sent as (StrictJson); also what the gateway uses. */
  @Bean
  JsonMapperBuilderCustomizer strictJsonInput() {
    return StrictJson::apply;
  }

  /** Malformed or unstorable characters in the path or query: 400 before any handler runs. */
  @Bean
  FilterRegistrationBean<RequestLineRules> requestLineRules() {
    var registration = new FilterRegistrationBean<>(new RequestLineRules());
    // Before the internal credential: a malformed request line is refused as such (400), the
    // same answer the container gives for the escapes it cannot decode itself.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }

  @Bean
  InternalCredential internalCredential(InternalAuthProperties properties) {
    return new InternalCredential(properties.secret(), properties.maxAge(), Clock.systemUTC());
  }

  @Bean
  FilterRegistrationBean<InternalAuthenticationFilter> internalAuthenticationFilter(
      InternalCredential credential, InternalAuthProperties properties) {
    var registration = new FilterRegistrationBean<>(
        new InternalAuthenticationFilter(credential, properties.openPaths()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  WebMvcConfigurer callerIdentityResolverConfigurer() {
    return new WebMvcConfigurer() {
      @Override
      public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerIdentityArgumentResolver());
      }

      @Override
      public void addFormatters(FormatterRegistry registry) {
        TemporalParameters.register(registry);
      }
    };
  }
}
