package io.emprops.web.container;

import org.apache.catalina.Container;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The servlet container's own error answers in the envelope, for whichever container runs. */
public final class ContainerErrorConfiguration {

  private ContainerErrorConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory")
  public static class Tomcat {

    /**
     * The host's error report valve becomes {@link EnvelopeErrorReportValve}. Boot adds a plain
     * {@link ErrorReportValve} from its own customizer; it is replaced just before the context
     * starts, when every customizer has run and the host's pipeline has not started yet.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> envelopeErrorReports() {
      return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
          useEnvelopeReports(context.getParent());
        }
      }));
    }

    static void useEnvelopeReports(Container host) {
      if (host instanceof StandardHost standardHost) {
        standardHost.setErrorReportValveClass(EnvelopeErrorReportValve.class.getName());
      }
      boolean present = false;
      for (Valve valve : host.getPipeline().getValves()) {
        if (valve instanceof EnvelopeErrorReportValve) {
          present = true;
        } else if (valve instanceof ErrorReportValve) {
          host.getPipeline().removeValve(valve);
        }
      }
      if (!present) {
        host.getPipeline().addValve(new EnvelopeErrorReportValve());
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory")
  public static class Jetty {

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> envelopeErrorPages() {
      return factory -> factory.addServerCustomizers(server -> server.setErrorHandler(new EnvelopeJettyErrorHandler()));
    }
  }
}
