package io.emprops.generator.domain.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.emprops.generator.persistence.JobStepRepository;
import java.time.Duration;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * Which job-queue submissions are ours. Most messages on the queue's channels are about other
 * clients' steps; ours are remembered as they are submitted, so a step's first message (its
 * claim, on the path from a request to its result) is recognised without a database read, and
 * an id not remembered (submitted by another instance, or before a restart) costs one indexed
 * lookup. Ids are never reused, so a positive answer holds; a negative one is not kept (other
 * clients' ids never recur).
 */
@Component
class OwnSubmissions {

  private final JobStepRepository steps;
  private final Cache<String, Boolean> known = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

  OwnSubmissions(JobStepRepository steps) {
    this.steps = steps;
  }

  /** These submissions are ours: called just before they are written to the queue. */
  void remember(Collection<String> queueStepIds) {
    queueStepIds.forEach(id -> known.put(id, Boolean.TRUE));
  }

  boolean isOurs(String queueStepId) {
    if (known.getIfPresent(queueStepId) != null) {
      return true;
    }
    boolean found = steps.bySubmission(queueStepId).isPresent();
    if (found) {
      known.put(queueStepId, Boolean.TRUE);
    }
    return found;
  }
}
