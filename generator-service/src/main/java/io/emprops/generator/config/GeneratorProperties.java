package io.emprops.generator.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param credentialsKey AES-256 key (base64) that encrypts model credentials at rest; required
 * @param seedExamples whether to create the example workflows at start (the local stack turns it
 *     on so that a new user can generate at once; off by default)
 * @param creditDecisionWait how long {@code POST .../generations} waits for credits to decide
 *     before answering 202 {@code pending} (ARCHITECTURE.md: about 3 s)
 * @param startOnCreditStanding whether a generation whose owner's last known credit standing
 *     covers it starts at once, before credits-service has decided (on by default; off, every
 *     generation waits for the decision)
 * @param collectionArrivalWait how long {@code POST /collections/{id}/generations} waits for a
 *     collection the generator has not heard of yet — created a moment ago, its
 *     {@code CollectionCreated} still on its way — before answering 404; default 3 s
 */
@ConfigurationProperties("emprops.generator")
public record GeneratorProperties(
    String credentialsKey, boolean seedExamples, Duration creditDecisionWait, Boolean startOnCreditStanding,
    Duration collectionArrivalWait) {

  public GeneratorProperties {
    creditDecisionWait = creditDecisionWait == null ? Duration.ofSeconds(3) : creditDecisionWait;
    startOnCreditStanding = startOnCreditStanding == null || startOnCreditStanding;
    collectionArrivalWait = collectionArrivalWait == null ? Duration.ofSeconds(3) : collectionArrivalWait;
  }
}
