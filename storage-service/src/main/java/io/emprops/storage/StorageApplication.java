package io.emprops.storage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Assets (uploaded and generated files) and their objects in S3-compatible or Azure Blob storage. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StorageApplication {

  public static void main(String[] args) {
    SpringApplication.run(StorageApplication.class, args);
  }
}
