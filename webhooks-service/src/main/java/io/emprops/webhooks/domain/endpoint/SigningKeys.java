package io.emprops.webhooks.domain.endpoint;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.emprops.web.crypto.SecretBox;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The HMAC keys an attempt signs with, opened from the endpoint's sealed secrets. A secret is never
 * changed once written (rotation adds another), so an opened key is kept in memory by its id: only
 * an endpoint's first attempt (per instance, per hour of silence) pays the AES-GCM opening, which
 * was a quarter of an attempt's CPU. At rest the secrets stay sealed.
 */
@Component
public class SigningKeys {

  private final SecretBox secrets;
  private final Cache<UUID, byte[]> opened = Caffeine.newBuilder()
      .maximumSize(10_000)
      .expireAfterAccess(Duration.ofHours(1))
      .build();

  public SigningKeys(SecretBox secrets) {
    this.secrets = secrets;
  }

  /** The keys of {@code sealed}, in their order. */
  public List<byte[]> of(List<EndpointRepository.SealedSecret> sealed) {
    return sealed.stream()
        .map(s -> opened.get(s.id(), id -> SigningSecret.key(secrets.open(id.toString(), s.sealed()))))
        .toList();
  }
}
