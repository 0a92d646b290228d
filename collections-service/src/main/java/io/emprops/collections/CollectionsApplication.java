package io.emprops.collections;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Projects, collections and their instruction sets, feed, remix, publish initiation. */
@SpringBootApplication
public class CollectionsApplication {

  public static void main(String[] args) {
    SpringApplication.run(CollectionsApplication.class, args);
  }
}
