package io.emprops.events.inbox;

import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventCatalog;
import io.emprops.events.contract.EventDescriptor;
import io.emprops.events.contract.Topic;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service's inbox handlers, by event type. {@link InboxHandler} methods register themselves;
 * {@link #register} adds a handler programmatically. The consumer subscribes to the topics of the
 * registered event types when the application starts; registrations after that are refused.
 */
public class InboxHandlers {

  private final Map<String, List<RegisteredHandler>> byType = new ConcurrentHashMap<>();
  private volatile boolean frozen;

  /** One handler of one event type under one consumer name. */
  public record RegisteredHandler(
      String consumer, EventDescriptor event, EventHandlerFunction<DomainEvent> function) {}

  @SuppressWarnings("unchecked")
  public synchronized <E extends DomainEvent> void register(
      String consumer, Class<E> eventClass, EventHandlerFunction<? super E> function) {
    if (frozen) {
      throw new IllegalStateException("inbox handlers are fixed once the inbox consumer started");
    }
    if (consumer == null || consumer.isBlank()) {
      throw new IllegalArgumentException("an inbox consumer needs a name");
    }
    EventDescriptor event = EventCatalog.of(eventClass);
    List<RegisteredHandler> handlers = byType.computeIfAbsent(event.type(), t -> new CopyOnWriteArrayList<>());
    if (handlers.stream().anyMatch(h -> h.consumer().equals(consumer))) {
      // Two handlers under one name would dedupe each other: only the first would ever run.
      throw new IllegalStateException("two inbox handlers named '" + consumer + "' for " + event.type());
    }
    handlers.add(new RegisteredHandler(consumer, event, (EventHandlerFunction<DomainEvent>) function));
  }

  /** The handlers of an event type, in registration order; empty if the service ignores it. */
  public List<RegisteredHandler> forType(String eventType) {
    return byType.getOrDefault(eventType, List.of());
  }

  public boolean isEmpty() {
    return byType.isEmpty();
  }

  /** The topics the registered event types arrive on. */
  public Set<Topic> topics() {
    Set<Topic> topics = EnumSet.noneOf(Topic.class);
    byType.values().forEach(handlers -> handlers.forEach(h -> topics.add(h.event().topic())));
    return topics;
  }

  synchronized void freeze() {
    frozen = true;
  }
}
