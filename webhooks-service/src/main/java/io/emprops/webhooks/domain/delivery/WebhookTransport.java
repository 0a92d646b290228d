package io.emprops.webhooks.domain.delivery;

import java.net.URI;
import java.util.Map;

/** Sends one attempt over HTTP under the outbound rules; never throws for the endpoint's failures. */
public interface WebhookTransport {

  AttemptResult post(URI url, Map<String, String> headers, byte[] body);
}
