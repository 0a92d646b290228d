package io.emprops.webhooks.support;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The webhooks service as the local stack configures it (local mode: receivers on 127.0.0.1), on
 * a random port, with retries in fractions of a second instead of minutes so that a schedule runs
 * within a test, and {@link TestDns} in front of the system resolver. Every test class with it
 * shares one application context. Its {@code Clock} is an {@link io.emprops.web.testing.AdjustableClock}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.webhooks.delivery.initial-backoff=200ms",
    "emprops.webhooks.delivery.max-backoff=2s",
    "emprops.webhooks.delivery.backoff-multiplier=2",
    "emprops.webhooks.delivery.timeout=2s",
    "emprops.webhooks.delivery.connect-timeout=1s",
    "emprops.webhooks.delivery.lease=5s",
    "emprops.webhooks.delivery.poll-interval=200ms",
    "emprops.webhooks.delivery.retry-for=1m",
    "emprops.events.inbox.max-attempts=2"})
@EmbeddedInfrastructure(app = "webhooks-service")
@Import(TestDnsConfiguration.class)
public @interface WebhooksServiceTest {}
