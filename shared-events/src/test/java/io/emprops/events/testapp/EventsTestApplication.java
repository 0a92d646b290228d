package io.emprops.events.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal service on shared-events, as a real one is built: its own Flyway migrations, a
 * business table, an outbox writer used in its transactions and inbox handlers.
 */
@SpringBootApplication
public class EventsTestApplication {}
