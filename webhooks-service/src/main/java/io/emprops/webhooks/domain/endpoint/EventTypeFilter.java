package io.emprops.webhooks.domain.endpoint;

import io.emprops.webhooks.domain.event.WebhookEventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An endpoint's subscription: exact types ({@code job.completed}), a group ({@code job.*}) or
 * everything ({@code *}). Types the suite will produce later ({@code token.minted}) are accepted.
 */
public final class EventTypeFilter {

  public static final int MAX_ENTRIES = 50;

  private EventTypeFilter() {}

  /** Why {@code entry} is not a valid subscription, if it is not. */
  public static Optional<String> problem(String entry) {
    if (entry == null || entry.isBlank()) {
      return Optional.of("must not be blank");
    }
    if (entry.equals("*") || WebhookEventType.byWireName(entry).isPresent()) {
      return Optional.empty();
    }
    if (entry.endsWith(".*") && WebhookEventType.groups().contains(entry.substring(0, entry.length() - 2))) {
      return Optional.empty();
    }
    List<String> known = new ArrayList<>();
    for (WebhookEventType type : WebhookEventType.values()) {
      known.add(type.wireName());
    }
    WebhookEventType.groups().forEach(group -> known.add(group + ".*"));
    return Optional.of("unknown event type '" + entry + "'; one of " + String.join(", ", known) + " or *");
  }

  public static boolean matches(List<String> filter, WebhookEventType type) {
    for (String entry : filter) {
      if (entry.equals("*") || entry.equals(type.wireName()) || entry.equals(type.group() + ".*")) {
        return true;
      }
    }
    return false;
  }
}
