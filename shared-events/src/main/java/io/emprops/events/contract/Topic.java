package io.emprops.events.contract;

/**
 * The Kafka topics of the suite, one per aggregate type. Records are keyed by aggregate id, so the
 * events of one aggregate stay in order.
 *
 * <p>A topic's full name is {@code <namespace>.<aggregate type>}; the namespace is
 * {@value #DEFAULT_NAMESPACE} unless configured otherwise ({@code emprops.events.namespace}), which
 * lets several stacks or test runs share one Kafka cluster without seeing each other's events.
 */
public enum Topic {
  COLLECTIONS("collections"),
  GENERATIONS("generations"),
  CREDITS("credits"),
  ASSETS("assets"),
  PUBLICATIONS("publications");

  public static final String DEFAULT_NAMESPACE = "emprops";
  private static final String DEAD_LETTER_SUFFIX = ".dlt";

  private final String aggregateType;

  Topic(String aggregateType) {
    this.aggregateType = aggregateType;
  }

  /** The value of the outbox's {@code aggregate_type} column, which the relay routes by. */
  public String aggregateType() {
    return aggregateType;
  }

  /** {@code emprops.collections}, … */
  public String topicName() {
    return topicName(DEFAULT_NAMESPACE);
  }

  public String topicName(String namespace) {
    return namespace + "." + aggregateType;
  }

  /** Where consumers park events they could not handle after their retries. */
  public String deadLetterTopicName(String namespace) {
    return deadLetterTopicOf(topicName(namespace));
  }

  /** {@code <topic>.dlt} */
  public static String deadLetterTopicOf(String topicName) {
    return topicName + DEAD_LETTER_SUFFIX;
  }
}
