package io.emprops.publishing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Publications of collections on EVM chains, chain transactions, token metadata. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PublishingApplication {

  public static void main(String[] args) {
    SpringApplication.run(PublishingApplication.class, args);
  }
}
