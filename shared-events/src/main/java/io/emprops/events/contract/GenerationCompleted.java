package io.emprops.events.contract;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every step of every generation finished (status {@code completed}). credits-service charges
 * {@code amount_spent} from the reservation and releases the rest.
 */
@EventType(value = "GenerationCompleted.v1", topic = Topic.GENERATIONS)
public record GenerationCompleted(
    UUID jobId,
    String userId,
    UUID collectionId,
    long amountSpent,
    List<GenerationOutput> outputs,
    Instant completedAt)
    implements DomainEvent {

  public GenerationCompleted {
    outputs = List.copyOf(outputs);
  }

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
