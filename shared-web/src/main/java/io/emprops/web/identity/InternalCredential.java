package io.emprops.web.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential the gateway adds to every request it forwards, so that a service port reached
 * directly grants nothing: {@code v1.<epochSeconds>.<base64url HMAC-SHA256>} over the version,
 * the time, the method, the path, the user id and the roles.
 *
 * <p>Binding the method and path means a captured header cannot be replayed against another
 * endpoint; the timestamp bounds how long it can be replayed at all.
 */
public final class InternalCredential {

  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";
  /** Below this a secret is too easy to guess; refuse to start rather than run open. */
  public static final int MIN_SECRET_BYTES = 32;

  private final SecretKeySpec key;
  private final Duration maxAge;
  private final Clock clock;

  public InternalCredential(String secret, Duration maxAge, Clock clock) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the internal credential secret (emprops.internal.secret / EMPROPS_INTERNAL_SECRET)"
              + " must be set and at least " + MIN_SECRET_BYTES + " bytes long");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.maxAge = maxAge;
    this.clock = clock;
  }

  public InternalCredential(String secret) {
    this(secret, Duration.ofMinutes(5), Clock.systemUTC());
  }

  /** The header value for a request made on behalf of {@code caller}. */
  public String sign(String method, String path, CallerIdentity caller) {
    long now = clock.instant().getEpochSecond();
    return VERSION + "." + now + "." + mac(now, method, path, caller);
  }

  /**
   * Checks a header value against the request it came with.
   *
   * @return the reason it is refused, or empty when it is valid
   */
  public Optional<String> verify(String header, String method, String path, CallerIdentity caller) {
    if (header == null || header.isBlank()) {
      return Optional.of("missing internal credential");
    }
    String[] parts = header.split("\\.", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return Optional.of("malformed internal credential");
    }
    long issued;
    try {
      issued = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return Optional.of("malformed internal credential");
    }
    long age = clock.instant().getEpochSecond() - issued;
    if (Math.abs(age) > maxAge.toSeconds()) {
      return Optional.of("expired internal credential");
    }
    byte[] expected = mac(issued, method, path, caller).getBytes(StandardCharsets.US_ASCII);
    byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given)
        ? Optional.empty()
        : Optional.of("invalid internal credential");
  }

  private String mac(long issued, String method, String path, CallerIdentity caller) {
    String message = String.join("\n",
        VERSION,
        Long.toString(issued),
        method.toUpperCase(java.util.Locale.ROOT),
        path,
        caller.userId().orElse(""),
        caller.rolesHeader());
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
