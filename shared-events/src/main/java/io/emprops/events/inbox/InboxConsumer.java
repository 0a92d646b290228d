package io.emprops.events.inbox;

import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service's event consumer: one spring-kafka listener container subscribed to the topics its
 * {@link InboxHandlers} need, in the service's consumer group.
 *
 * <p>A failing event is retried in place with exponential backoff, then published to
 * {@code <topic>.dlt} with the failure in {@code kafka_dlt-*} headers (and its own headers kept),
 * and the partition moves on. Malformed events skip the retries. If the dead-letter publish itself
 * fails the event is retried again: it is never dropped.
 *
 * <p>With a {@code batchSize} above 1 the container hands over each poll's records (at most that
 * many) and {@link InboxDispatcher#onBatch} handles them in one transaction; a failing batch is
 * handled again one event at a time, and the event that fails then is retried and dead-lettered as
 * above, after the events before it committed.
 */
public class InboxConsumer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(InboxConsumer.class);

  private final InboxHandlers handlers;
  private final InboxSettings settings;
  private final InboxDispatcher dispatcher;
  private final InboxMetrics metrics;
  private final ApplicationContext applicationContext;
  private ConcurrentMessageListenerContainer<String, byte[]> container;
  private DefaultKafkaProducerFactory<String, byte[]> deadLetterProducers;

  public InboxConsumer(
      InboxHandlers handlers,
      Inbox inbox,
      TransactionTemplate transactions,
      InboxSettings settings,
      MeterRegistry registry,
      ApplicationContext applicationContext) {
    this.handlers = handlers;
    this.settings = settings;
    this.metrics = new InboxMetrics(registry);
    this.dispatcher = new InboxDispatcher(handlers, inbox, transactions, metrics, Clock.systemUTC());
    this.applicationContext = applicationContext;
  }

  @Override
  public synchronized void start() {
    if (container != null) {
      return;
    }
    handlers.freeze();
    if (handlers.isEmpty()) {
      log.info("no @InboxHandler in this service: not consuming events");
      return;
    }
    String[] topics = handlers.topics().stream().map(t -> t.topicName(settings.namespace())).toArray(String[]::new);
    ContainerProperties properties = new ContainerProperties(topics);
    properties.setGroupId(settings.groupId());
    properties.setClientId(settings.clientIdPrefix() + "-inbox");
    if (settings.batchSize() > 1) {
      properties.setMessageListener((BatchMessageListener<String, byte[]>) dispatcher::onBatch);
    } else {
      properties.setMessageListener(dispatcher);
    }
    // Continues the producer's trace (traceparent header) when the service has a tracer.
    properties.setObservationEnabled(true);

    deadLetterProducers = deadLetterProducerFactory();
    container = new ConcurrentMessageListenerContainer<>(consumerFactory(), properties);
    container.setConcurrency(settings.concurrency());
    container.setCommonErrorHandler(errorHandler(new KafkaTemplate<>(deadLetterProducers)));
    container.setApplicationContext(applicationContext);
    container.setBeanName("empropsInboxConsumer");
    container.start();
    log.info("consuming {} in group {}", String.join(", ", topics), settings.groupId());
  }

  @Override
  public synchronized void stop() {
    if (container != null) {
      container.stop();
      container = null;
      deadLetterProducers.destroy();
    }
  }

  @Override
  public boolean isRunning() {
    return container != null && container.isRunning();
  }

  /** With spring-kafka's own listener containers: after the relay starts, before it stops. */
  @Override
  public int getPhase() {
    return AbstractMessageListenerContainer.DEFAULT_PHASE;
  }

  private DefaultKafkaConsumerFactory<String, byte[]> consumerFactory() {
    Map<String, Object> properties = new HashMap<>(settings.consumerProperties());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    // A service that starts consuming a topic builds its read models from the topic's beginning.
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    if (settings.batchSize() > 1) {
      properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
    }
    return new DefaultKafkaConsumerFactory<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private DefaultKafkaProducerFactory<String, byte[]> deadLetterProducerFactory() {
    Map<String, Object> producer = new HashMap<>(settings.producerProperties());
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientIdPrefix() + "-dead-letters");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    return new DefaultKafkaProducerFactory<>(producer, new StringSerializer(), new ByteArraySerializer());
  }

  private DefaultErrorHandler errorHandler(KafkaTemplate<String, byte[]> deadLetterTemplate) {
    // Partition -1: let the key choose, so dead-letter topics need not mirror partition counts.
    DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(deadLetterTemplate,
        (record, failure) -> new TopicPartition(Topic.deadLetterTopicOf(record.topic()), -1));

    ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(settings.maxAttempts() - 1);
    backOff.setInitialInterval(settings.initialBackoff().toMillis());
    backOff.setMultiplier(settings.backoffMultiplier());
    backOff.setMaxInterval(settings.maxBackoff().toMillis());

    DefaultErrorHandler handler = new DefaultErrorHandler((record, thrown) -> {
      Exception failure = withoutBatchWrapper(thrown);
      deadLetters.accept(record, failure);
      metrics.deadLettered(record.topic(), header(record, EventHeaders.EVENT_TYPE));
      log.error("dead-lettered {}-{}@{} ({})",
          record.topic(), record.partition(), record.offset(), header(record, EventHeaders.EVENT_TYPE), failure);
    }, backOff);
    handler.addNotRetryableExceptions(MalformedEventException.class);
    return handler;
  }

  /**
   * The failure as a record listener would have reported it: the dead-letter headers name the
   * handler's exception, not the batch's pointer to the failed record.
   */
  private static Exception withoutBatchWrapper(Exception failure) {
    if (failure instanceof ListenerExecutionFailedException listener
        && listener.getCause() instanceof BatchListenerFailedException batch && batch.getCause() != null) {
      return new ListenerExecutionFailedException(listener.getMessage(), listener.getGroupId(), batch.getCause());
    }
    return failure;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
