package io.emprops.credits;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Accounts, the credit ledger and reservations for generations. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CreditsApplication {

  public static void main(String[] args) {
    SpringApplication.run(CreditsApplication.class, args);
  }
}
