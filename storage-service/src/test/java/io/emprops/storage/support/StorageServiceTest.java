package io.emprops.storage.support;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The storage service as the local stack configures it (s3proxy, public-read objects, the
 * bucket as CDN base), on a random port, with settings every service test shares so that they
 * share one application context: uploads up to 12 MB (a part is 8 MB, so the limit falls in the
 * second part), the sweeper left to the tests, outputs fetchable from 127.0.0.1 so that the
 * private-address rule, not the allow-list, is what refuses a loopback URL, and from
 * {@code unresolvable.invalid} (RFC 2606: never resolves), a source that cannot be reached, tried
 * three times 50 ms apart.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.storage.uploads.max-size=12MB",
    "emprops.storage.sweeper.interval=1h",
    "emprops.storage.outputs.allowed-hosts=127.0.0.1,unresolvable.invalid",
    "emprops.storage.outputs.retry-backoff=50ms",
    "emprops.events.inbox.max-attempts=2"})
@EmbeddedInfrastructure(app = "storage-service")
public @interface StorageServiceTest {}
