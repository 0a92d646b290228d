package io.emprops.events.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/collections/generate} accepted a generation of a collection that does not exist
 * yet: collections-service creates it with exactly this id in the user's default project (and
 * publishes {@link CollectionCreated} as for any create), or refuses it with
 * {@link CollectionGenerationRejected}. The job ({@code job_id}) was accepted in the same
 * transaction and its {@link GenerationRequested} went out with this event; it runs once the
 * collection has been created. Keyed by the job, like the job's other events.
 *
 * @param data the instruction set, as the collection's {@code data}
 * @param editions optional sale settings, as the collection's (null when not given)
 */
@EventType(value = "CollectionGenerationRequested.v1", topic = Topic.GENERATIONS)
public record CollectionGenerationRequested(
    UUID collectionId,
    UUID jobId,
    String userId,
    String title,
    JsonNode data,
    Integer editions,
    BigDecimal price,
    Blockchain blockchain,
    Instant requestedAt)
    implements DomainEvent {

  @Override
  public String aggregateId() {
    return jobId.toString();
  }
}
