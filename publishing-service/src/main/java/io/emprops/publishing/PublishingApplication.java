package io.emprops.publishing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Publications of collections on EVM chains, chain transactions, token metadata. */
@SpringBootApplication
public class PublishingApplication {

  public static void main(String[] args) {
    SpringApplication.run(PublishingApplication.class, args);
  }
}
