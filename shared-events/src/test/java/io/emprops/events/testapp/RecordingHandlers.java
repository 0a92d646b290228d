package io.emprops.events.testapp;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.inbox.EventMetadata;
import io.emprops.events.inbox.InboxHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Inbox handlers whose effect is a row in the service's {@code effects} table (no unique key, so
 * a handler that ran twice would show as two rows). A grant whose reason is {@value #POISON} fails
 * every time.
 */
@Component
public class RecordingHandlers {

  public static final String POISON = "poison";

  private final JdbcClient jdbc;

  public RecordingHandlers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @InboxHandler("test.record-generation-request")
  void onGenerationRequested(GenerationRequested event, EventMetadata metadata) {
    jdbc.sql("INSERT INTO effects (event_id, aggregate_id, detail) VALUES (?, ?, ?)")
        .params(metadata.eventId(), event.jobId().toString(), Integer.toString(event.generations()))
        .update();
  }

  @InboxHandler("test.record-grant")
  void onCreditsGranted(CreditsGranted event, EventMetadata metadata) {
    if (POISON.equals(event.reason())) {
      throw new IllegalStateException("cannot grant credits for reason " + event.reason());
    }
    jdbc.sql("INSERT INTO effects (event_id, aggregate_id, detail) VALUES (?, ?, ?)")
        .params(metadata.eventId(), event.userId(), event.reason())
        .update();
  }
}
