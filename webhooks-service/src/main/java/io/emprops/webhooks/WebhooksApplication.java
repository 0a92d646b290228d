package io.emprops.webhooks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Users' webhook endpoints and the signed, retried, ordered delivery of the suite's events to them. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhooksApplication {

  public static void main(String[] args) {
    SpringApplication.run(WebhooksApplication.class, args);
  }
}
