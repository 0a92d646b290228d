package io.emprops.events.config;

import io.emprops.events.contract.Topic;
import io.emprops.events.inbox.Inbox;
import io.emprops.events.inbox.InboxConsumer;
import io.emprops.events.inbox.InboxHandlerMethodRegistrar;
import io.emprops.events.inbox.InboxHandlers;
import io.emprops.events.inbox.InboxRetention;
import io.emprops.events.inbox.InboxSettings;
import io.emprops.events.outbox.MicrometerTraceContextSource;
import io.emprops.events.outbox.OpenTelemetryTraceContextSource;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.outbox.TraceContextSource;
import io.emprops.events.relay.OutboxRelay;
import io.emprops.events.relay.RelayHealthIndicator;
import io.emprops.events.relay.RelaySettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a service gets by depending on shared-events and setting {@code spring.application.name}
 * and {@code emprops.service.schema}: the events tables in its schema, the {@link Outbox}, the
 * relay (one active instance per service) and the inbox consumer for its
 * {@link io.emprops.events.inbox.InboxHandler} methods.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
    "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"})
@ConditionalOnClass({KafkaTemplate.class, DataSource.class})
@ConditionalOnBean({DataSource.class, ProducerFactory.class, ConsumerFactory.class})
@ConditionalOnProperty(ServiceIdentity.SCHEMA_PROPERTY)
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

  /** Kafka client settings the relay's own clients share with the service's: where and how to connect. */
  private static final Predicate<String> CONNECTION_SETTING = name ->
      name.equals("bootstrap.servers") || name.equals("security.protocol")
          || name.startsWith("ssl.") || name.startsWith("sasl.");

  @Bean
  ServiceIdentity eventsServiceIdentity(Environment environment) {
    return ServiceIdentity.from(environment);
  }

  @Bean
  EventsSchemaMigration eventsSchemaMigration(
      DataSource dataSource, ServiceIdentity service, ObjectProvider<FlywayMigrationInitializer> serviceMigrations) {
    // The service's own migrations first: Flyway refuses to start a new history in a schema
    // that already has tables, and only ours is set up to baseline.
    serviceMigrations.ifAvailable(initializer -> {});
    return EventsSchemaMigration.applyTo(dataSource, service.schema());
  }

  @Bean
  Outbox outbox(
      DataSource dataSource,
      EventsSchemaMigration schema,
      EventsProperties properties,
      ObjectProvider<OutboxRelay> relay,
      ObjectProvider<TraceContextSource> traceSources) {
    // The relay creates the replication slot as it is built: no event may be written before.
    relay.ifAvailable(r -> {});
    return new Outbox(dataSource, schema.schema(), traceSources.orderedStream().toList(), Clock.systemUTC(),
        properties.outbox().commitSynchronously());
  }

  @Bean
  @ConditionalOnBooleanProperty(name = "emprops.events.topics.create", matchIfMissing = true)
  KafkaAdmin.NewTopics empropsEventTopics(EventsProperties properties) {
    String namespace = properties.namespace();
    Optional<Integer> partitions = Optional.of(properties.topics().partitions());
    Optional<Short> replicas = properties.topics().replicationFactor() < 0
        ? Optional.empty() : Optional.of(properties.topics().replicationFactor());
    return new KafkaAdmin.NewTopics(Stream.of(Topic.values())
        .flatMap(topic -> Stream.of(topic.topicName(namespace), topic.deadLetterTopicName(namespace)))
        .map(name -> new NewTopic(name, partitions, replicas))
        .toArray(NewTopic[]::new));
  }

  static MeterRegistry meterRegistry(ObjectProvider<MeterRegistry> registry) {
    return registry.getIfAvailable(() -> Metrics.globalRegistry);
  }

  /** Where and how to connect, with lists (as Spring Boot keeps bootstrap servers) joined. */
  static Map<String, Object> kafkaConnectionSettings(Map<String, Object> clientProperties) {
    return clientProperties.entrySet().stream()
        .filter(e -> CONNECTION_SETTING.test(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue() instanceof Collection<?> values
                ? values.stream().map(String::valueOf).collect(Collectors.joining(","))
                : e.getValue(),
            (a, b) -> b, LinkedHashMap::new));
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "emprops.events.relay.enabled", matchIfMissing = true)
  static class RelayConfiguration {

    @Bean
    OutboxRelay outboxRelay(
        ServiceIdentity service,
        EventsProperties properties,
        EventsSchemaMigration schema,
        ObjectProvider<JdbcConnectionDetails> database,
        KafkaAdmin kafkaAdmin,
        ObjectProvider<MeterRegistry> registry) {
      JdbcConnectionDetails connection = database.getIfAvailable();
      if (connection == null) {
        throw new IllegalStateException("the outbox relay needs spring.datasource.url/username/password");
      }
      RelaySettings settings = properties.relaySettings(service.name(), schema.schema())
          .database(connection.getJdbcUrl(), connection.getUsername(), connection.getPassword())
          .kafkaClientProperties(kafkaConnectionSettings(kafkaAdmin.getConfigurationProperties()))
          .build();
      OutboxRelay outboxRelay = new OutboxRelay(settings, meterRegistry(registry));
      outboxRelay.ensureReplicationSlot();
      return outboxRelay;
    }

    @Bean
    @ConditionalOnClass(HealthIndicator.class)
    RelayHealthIndicator outboxRelayHealthIndicator(OutboxRelay relay) {
      return new RelayHealthIndicator(relay);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class InboxConfiguration {

    @Bean
    static InboxHandlerMethodRegistrar inboxHandlerMethodRegistrar() {
      return new InboxHandlerMethodRegistrar(new InboxHandlers());
    }

    @Bean
    InboxHandlers inboxHandlers(InboxHandlerMethodRegistrar registrar) {
      return registrar.handlers();
    }

    @Bean
    Inbox inbox(DataSource dataSource, EventsSchemaMigration schema) {
      return new Inbox(dataSource, schema.schema());
    }

    @Bean
    InboxConsumer inboxConsumer(
        InboxHandlers handlers,
        Inbox inbox,
        PlatformTransactionManager transactionManager,
        ServiceIdentity service,
        EventsProperties properties,
        ConsumerFactory<?, ?> consumerFactory,
        ProducerFactory<?, ?> producerFactory,
        ObjectProvider<MeterRegistry> registry,
        ApplicationContext applicationContext) {
      EventsProperties.Inbox inboxProperties = properties.inbox();
      InboxSettings settings = new InboxSettings(
          properties.namespace(),
          inboxProperties.groupId() != null ? inboxProperties.groupId() : service.name(),
          service.name(),
          inboxProperties.concurrency(),
          inboxProperties.maxAttempts(),
          inboxProperties.initialBackoff(),
          inboxProperties.backoffMultiplier(),
          inboxProperties.maxBackoff(),
          inboxProperties.batchSize(),
          consumerFactory.getConfigurationProperties(),
          producerFactory.getConfigurationProperties());
      return new InboxConsumer(handlers, inbox, new TransactionTemplate(transactionManager), settings,
          meterRegistry(registry), applicationContext);
    }

    @Bean
    InboxRetention inboxRetention(Inbox inbox, EventsProperties properties) {
      return new InboxRetention(inbox, properties.inbox().retention());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
  static class MicrometerTracingConfiguration {

    @Bean
    @Order(1)
    TraceContextSource micrometerTraceContextSource(ObjectProvider<Tracer> tracer) {
      return new MicrometerTraceContextSource(tracer);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.trace.Span")
  static class OpenTelemetryConfiguration {

    @Bean
    @Order(2)
    TraceContextSource openTelemetryTraceContextSource() {
      return new OpenTelemetryTraceContextSource();
    }
  }
}
