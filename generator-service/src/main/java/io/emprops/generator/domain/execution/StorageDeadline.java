package io.emprops.generator.domain.execution;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.persistence.JobOutputRepository;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * storage-service answers for every output it is handed, even for one it cannot store; but should
 * it never answer (down for longer than its events are kept, an event dead-lettered by a failing
 * database), the output would keep its job waiting. Every reconciliation round, outputs storing for
 * longer than {@code storage-timeout} fail, and their jobs end. Instances doing this at once change
 * each output once (conditional updates under the job's lock).
 */
@Component
class StorageDeadline {

  private static final Logger log = LoggerFactory.getLogger(StorageDeadline.class);
  private static final int BATCH = 100;

  private final JobOutputRepository outputs;
  private final OutputStorage storage;
  private final ExecutionProperties properties;

  StorageDeadline(JobOutputRepository outputs, OutputStorage storage, ExecutionProperties properties) {
    this.outputs = outputs;
    this.storage = storage;
    this.properties = properties;
  }

  @Scheduled(fixedDelayString = "${emprops.generator.execution.reconcile-interval:2s}",
      initialDelayString = "${emprops.generator.execution.reconcile-interval:2s}")
  void failOverdue() {
    try {
      for (UUID job : outputs.jobsStoringLongerThan(properties.storageTimeout(), BATCH)) {
        try {
          storage.failOverdue(job);
        } catch (RuntimeException e) {
          log.warn("Failing the overdue outputs of job {} failed; next round", job, e);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Storage deadline round failed (database unavailable?)", e);
    }
  }
}
