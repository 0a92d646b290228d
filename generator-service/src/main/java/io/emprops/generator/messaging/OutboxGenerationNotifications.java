package io.emprops.generator.messaging;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionGenerationRequested;
import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationOutput;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.outbox.Outbox;
import io.emprops.generator.domain.job.GenerationNotifications;
import io.emprops.generator.domain.job.Job;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The generation saga's announcements as events in the outbox, in the caller's transaction. */
@Component
class OutboxGenerationNotifications implements GenerationNotifications {

  private final Outbox outbox;
  private final Clock clock = Clock.systemUTC();

  OutboxGenerationNotifications(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void requested(Job job) {
    outbox.publish(new GenerationRequested(job.id(), job.userId(), job.collectionId(), job.cost(), job.generations(),
        clock.instant()));
  }

  @Override
  public void collectionRequested(Job job, UUID collectionId, String title, JsonNode data, Integer editions,
      BigDecimal price, String blockchain) {
    outbox.publish(new CollectionGenerationRequested(collectionId, job.id(), job.userId(), title, data, editions,
        price, blockchain == null ? null : Blockchain.valueOf(blockchain), clock.instant()));
  }

  @Override
  public void started(Job job, int totalSteps) {
    outbox.publish(new GenerationStarted(job.id(), job.userId(), job.collectionId(), job.generations(), totalSteps,
        clock.instant()));
  }

  @Override
  public void outputProduced(Job job, int generation, int stepId, int index, String location, String mimeType,
      String fileName, JsonNode generationInput) {
    outbox.publish(new GenerationStepCompleted(job.id(), job.userId(), job.collectionId(), generation, stepId,
        location, mimeType, fileName, clock.instant(), generationInput.path("hash").asString(null),
        generationInput.get("variables"), index));
  }

  @Override
  public void completed(Job job, long spent, List<GenerationOutput> outputs) {
    outbox.publish(new GenerationCompleted(job.id(), job.userId(), job.collectionId(), spent, outputs,
        clock.instant()));
  }

  @Override
  public void failed(Job job, String code, String message, Integer failedStepId, long spent) {
    outbox.publish(new GenerationFailed(job.id(), job.userId(), job.collectionId(), code, message, failedStepId,
        spent, clock.instant()));
  }

  @Override
  public void cancelled(Job job, long spent) {
    outbox.publish(new GenerationCancelled(job.id(), job.userId(), job.collectionId(), spent, clock.instant()));
  }
}
