package io.emprops.collections.domain;

import io.emprops.collections.domain.addresses.ReceiverAddresses;
import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.ReceiverRepository;
import io.emprops.web.api.ApiException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who is paid from a collection's sales. The owner replaces the whole list at once; shares are
 * percentages with two decimals, each above 0, adding up to at most 100 per type (publishing needs
 * exactly 100 for primary sales).
 */
@Service
@Transactional
public class CollectionReceivers {

  public static final int MAX_RECEIVERS = 50;
  static final BigDecimal HUNDRED = new BigDecimal("100");

  private final Collections collections;
  private final CollectionRepository collectionRows;
  private final ReceiverRepository receivers;
  private final CollectionSnapshots snapshots;
  private final CollectionEvents events;

  public CollectionReceivers(Collections collections, CollectionRepository collectionRows,
      ReceiverRepository receivers, CollectionSnapshots snapshots, CollectionEvents events) {
    this.collections = collections;
    this.collectionRows = collectionRows;
    this.receivers = receivers;
    this.snapshots = snapshots;
    this.events = events;
  }

  public List<Receiver> replace(String userId, UUID projectId, UUID collectionId, List<ReceiverInput> inputs) {
    Collection collection = collections.lockOwned(userId, collectionId);
    if (!collection.projectId().equals(projectId)) {
      throw ApiException.notFound("Collection");
    }
    if (collection.status().isPublicationStarted()) {
      throw ApiException.conflict("The collection is " + collection.status().wireName() + ": its receivers can no longer change");
    }
    List<Receiver> valid = validate(inputs, collection.fields().blockchain());
    receivers.replaceAll(collectionId, valid);
    collectionRows.touch(collectionId, collection.version());
    events.updated(snapshots.of(collectionId));
    return receivers.of(collectionId);
  }

  @Transactional(readOnly = true)
  public List<Receiver> of(String userId, UUID projectId, UUID collectionId) {
    collections.ownedInProject(userId, projectId, collectionId);
    return receivers.of(collectionId);
  }

  static List<Receiver> validate(List<ReceiverInput> inputs, Blockchain chain) {
    Violations violations = new Violations();
    if (inputs.size() > MAX_RECEIVERS) {
      violations.add("receivers", "must be at most " + MAX_RECEIVERS).throwIfAny();
    }
    List<Receiver> valid = new ArrayList<>();
    Map<ReceiverType, BigDecimal> sums = new EnumMap<>(ReceiverType.class);
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      String path = "receivers[" + i + "]";
      ReceiverInput input = inputs.get(i);
      if (input == null) {
        violations.add(path, "must be an object");
        continue;
      }
      Optional<String> address = input.address() == null || input.address().isBlank()
          ? Optional.empty() : ReceiverAddresses.normalize(input.address().strip(), chain, path + ".address", violations);
      if (input.address() == null || input.address().isBlank()) {
        violations.add(path + ".address", "is required");
      }
      BigDecimal value = share(input.value(), path + ".value", violations);
      ReceiverType type = input.type() == null ? ReceiverType.PRIMARY : ReceiverType.fromWire(input.type()).orElse(null);
      if (type == null) {
        violations.add(path + ".type", "must be one of: primary, secondary");
      }
      if (address.isPresent() && type != null) {
        Integer first = firstIndex.putIfAbsent(type.wireName() + ":" + address.get(), i);
        if (first != null) {
          violations.add(path + ".address", "is already a " + type.wireName() + " receiver at receivers[" + first + "]");
        }
      }
      if (address.isPresent() && value != null && type != null) {
        valid.add(new Receiver(address.get(), value, type));
        sums.merge(type, value, BigDecimal::add);
      }
    }
    sums.forEach((type, sum) -> {
      if (sum.compareTo(HUNDRED) > 0) {
        violations.add("receivers", type.wireName() + " shares add up to " + sum.toPlainString() + ", more than 100");
      }
    });
    violations.throwIfAny();
    return valid;
  }

  private static BigDecimal share(BigDecimal value, String path, Violations violations) {
    if (value == null) {
      violations.add(path, "is required");
      return null;
    }
    if (value.signum() <= 0 || value.compareTo(HUNDRED) > 0) {
      violations.add(path, "must be more than 0 and at most 100 (percent)");
      return null;
    }
    if (value.stripTrailingZeros().scale() > 2) {
      violations.add(path, "must have at most 2 decimals");
      return null;
    }
    return value.setScale(2);
  }

  /** What publishing requires of the receivers of a collection on {@code chain}. */
  static void checkPublishable(List<Receiver> receivers, Blockchain chain, Violations violations) {
    BigDecimal primary = receivers.stream().filter(r -> r.type() == ReceiverType.PRIMARY)
        .map(Receiver::value).reduce(BigDecimal.ZERO, BigDecimal::add);
    if (primary.compareTo(HUNDRED) != 0) {
      violations.add("receivers", "primary shares must add up to exactly 100 to publish (they add up to "
          + primary.stripTrailingZeros().toPlainString() + ")");
    }
    if (chain == null) {
      return;
    }
    for (int i = 0; i < receivers.size(); i++) {
      String address = receivers.get(i).address();
      if (ReceiverAddresses.familyOf(address).filter(f -> f == chain.addressFamily()).isEmpty()) {
        violations.add("receivers[" + i + "].address", "cannot be paid on " + chain.name());
      }
    }
  }
}
