package io.emprops.gateway.security.servicekeys;

import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Service identities the gateway grants to systems that call the API on their own behalf
 * ({@code emprops.gateway.service-keys}). Each holds the SHA-256 (hex) of the key that system
 * presents as its bearer token; the key itself is never configured here.
 *
 * @param jobQueue the EmProps job queue (its {@code EMPROPS_API_KEY}), granted role
 *     {@code job-queue} for its call-backs; unset: no service key is accepted
 */
@ConfigurationProperties("emprops.gateway.service-keys")
public record ServiceKeyProperties(String jobQueue) {

  private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ServiceKeyProperties {
    if (jobQueue != null && !jobQueue.isBlank() && !SHA_256_HEX.matcher(jobQueue.trim().toLowerCase()).matches()) {
      throw new IllegalArgumentException(
          "emprops.gateway.service-keys.job-queue must be the SHA-256 of the key, as 64 hexadecimal digits");
    }
    jobQueue = jobQueue == null || jobQueue.isBlank() ? null : jobQueue.trim().toLowerCase();
  }
}
