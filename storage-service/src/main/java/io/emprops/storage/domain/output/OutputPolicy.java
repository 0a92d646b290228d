package io.emprops.storage.domain.output;

import io.emprops.web.outbound.HostAllowList;
import java.time.Duration;

/**
 * How outputs are fetched from where workers left them. Output URLs come from workers, so HTTP(S)
 * fetches are fenced in like the generator's {@code fetch_api} calls: allow-listed hosts only,
 * public addresses only (unless allowed for a local stack), no redirects, bounded time and size.
 *
 * @param allowedHosts hosts outputs may be fetched from ({@code data:} URLs need none)
 * @param allowPrivateAddresses whether hosts may resolve to loopback, private or link-local addresses
 * @param timeout bound on a whole fetch, body included
 * @param maxBytes the largest output accepted (decoded, for {@code data:} URLs)
 * @param attempts how often an output is tried when its source cannot be read or the store fails
 * @param retryBackoff the pause after the first failed attempt, doubled after each further one
 */
public record OutputPolicy(HostAllowList allowedHosts, boolean allowPrivateAddresses, Duration timeout, long maxBytes,
    int attempts, Duration retryBackoff) {}
