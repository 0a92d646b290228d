package io.emprops.events.inbox;

import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventJson;
import io.emprops.events.inbox.InboxHandlers.RegisteredHandler;
import io.emprops.events.inbox.InboxMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;

/**
 * Hands each consumed event to the service's handlers of its type, each once: every handler runs
 * in its own transaction that starts by claiming the event in the inbox. If one of several
 * handlers fails, the retry skips those that already committed.
 *
 * <p>A batch ({@link #onBatch}) runs all its events' handlers in one transaction, each still
 * claiming its event first; if anything in it fails, nothing of it commits and its events are
 * handled again as above, one at a time.
 */
final class InboxDispatcher implements MessageListener<String, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(InboxDispatcher.class);

  private final InboxHandlers handlers;
  private final Inbox inbox;
  private final TransactionTemplate transactions;
  private final InboxMetrics metrics;
  private final Clock clock;
  private final InboxTracing tracing = InboxTracing.detect();

  InboxDispatcher(
      InboxHandlers handlers, Inbox inbox, TransactionTemplate transactions, InboxMetrics metrics, Clock clock) {
    this.handlers = handlers;
    this.inbox = inbox;
    this.transactions = transactions;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void onMessage(ConsumerRecord<String, byte[]> record) {
    EventMetadata metadata = EventMetadata.of(record);
    List<RegisteredHandler> interested = handlers.forType(metadata.eventType());
    if (interested.isEmpty()) {
      // Another consumer's event (or a version this build does not know): not ours to handle.
      log.trace("no inbox handler for {} {}", metadata.eventType(), metadata.eventId());
      return;
    }
    DomainEvent event = decode(record, interested.getFirst(), metadata);
    for (RegisteredHandler handler : interested) {
      handleOnce(handler, event, metadata);
    }
  }

  /**
   * Handles {@code records} in one transaction. If that fails, one at a time; the first that fails
   * then is reported by position, so the container commits those before it and retries (or
   * dead-letters) it alone.
   */
  void onBatch(List<ConsumerRecord<String, byte[]>> records) {
    if (records.size() > 1) {
      try {
        handleTogether(records);
        return;
      } catch (RuntimeException e) {
        metrics.batchSplit();
        log.info("a batch of {} events failed ({}); handling them one at a time", records.size(), e.toString());
      }
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        onMessage(record);
      } catch (RuntimeException e) {
        throw new BatchListenerFailedException(e.getMessage(), e, record);
      }
    }
  }

  private record Handled(String consumer, EventMetadata metadata, Outcome outcome) {}

  private void handleTogether(List<ConsumerRecord<String, byte[]>> records) {
    long started = System.nanoTime();
    List<Handled> handled = transactions.execute(status -> {
      List<Handled> outcomes = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> record : records) {
        EventMetadata metadata = EventMetadata.of(record);
        List<RegisteredHandler> interested = handlers.forType(metadata.eventType());
        if (interested.isEmpty()) {
          continue;
        }
        DomainEvent event = decode(record, interested.getFirst(), metadata);
        for (RegisteredHandler handler : interested) {
          outcomes.add(new Handled(handler.consumer(), metadata,
              tracing.handle(handler.consumer(), metadata, () -> claimAndInvoke(handler, event, metadata))));
        }
      }
      return outcomes;
    });
    // One transaction: each handler run is given its share of it.
    Duration share = handled.isEmpty() ? Duration.ZERO : Duration.ofNanos((System.nanoTime() - started) / handled.size());
    for (Handled h : handled) {
      metrics.handled(h.consumer(), h.metadata().eventType(), h.outcome(), share);
      if (h.outcome() == Outcome.HANDLED) {
        metrics.lag(h.consumer(), Duration.between(h.metadata().occurredAt(), clock.instant()));
      }
    }
  }

  private Outcome claimAndInvoke(RegisteredHandler handler, DomainEvent event, EventMetadata metadata) {
    if (!inbox.claim(handler.consumer(), metadata.eventId(), metadata.eventType())) {
      return Outcome.DUPLICATE;
    }
    invoke(handler, event, metadata);
    return Outcome.HANDLED;
  }

  private void handleOnce(RegisteredHandler handler, DomainEvent event, EventMetadata metadata) {
    long started = System.nanoTime();
    Outcome outcome = Outcome.FAILED;
    try {
      outcome = tracing.handle(handler.consumer(), metadata,
          () -> transactions.execute(status -> claimAndInvoke(handler, event, metadata)));
    } finally {
      metrics.handled(handler.consumer(), metadata.eventType(), outcome, Duration.ofNanos(System.nanoTime() - started));
      if (outcome == Outcome.HANDLED) {
        metrics.lag(handler.consumer(), Duration.between(metadata.occurredAt(), clock.instant()));
      }
    }
  }

  private static void invoke(RegisteredHandler handler, DomainEvent event, EventMetadata metadata) {
    try {
      handler.function().handle(event, metadata);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new InboxHandlerException(handler.consumer(), metadata, e);
    }
  }

  private static DomainEvent decode(ConsumerRecord<String, byte[]> record, RegisteredHandler handler, EventMetadata metadata) {
    if (record.value() == null) {
      throw new MalformedEventException("no payload for " + metadata.eventType() + " " + metadata.eventId(), null);
    }
    try {
      return EventJson.deserialize(record.value(), handler.event().javaType());
    } catch (JacksonException e) {
      throw new MalformedEventException(
          "payload of " + metadata.eventType() + " " + metadata.eventId() + " does not fit its contract", e);
    }
  }
}
