package io.emprops.storage.domain.output;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tries the outputs the object store failed again once they are due ({@link DeferredOutputs}),
 * one per transaction, and stops a round at the first write the store still fails: during an
 * outage each round asks it once, not once per waiting output. Instances retry side by side: each
 * claims its outputs with {@code SKIP LOCKED}. Registers {@code storage_outputs_deferred}.
 */
@Component
public class DeferredOutputRetrier {

  private static final Logger log = LoggerFactory.getLogger(DeferredOutputRetrier.class);

  private final DeferredOutputs deferred;
  private final GeneratedOutputs outputs;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public DeferredOutputRetrier(DeferredOutputs deferred, GeneratedOutputs outputs, TransactionTemplate transactions,
      Clock clock, MeterRegistry meters) {
    this.deferred = deferred;
    this.outputs = outputs;
    this.transactions = transactions;
    this.clock = clock;
    Gauge.builder("storage.outputs.deferred", deferred, DeferredOutputs::count)
        .description("Generation outputs kept for another attempt while the object store fails").register(meters);
  }

  @Scheduled(fixedDelayString = "${emprops.storage.outputs.store-retry-interval:5s}",
      initialDelayString = "${emprops.storage.outputs.store-retry-interval:5s}")
  void scheduled() {
    try {
      retryDue();
    } catch (RuntimeException e) {
      log.warn("Retrying deferred outputs failed: {}", e.toString());
    }
  }

  /** One round over the outputs due now. @return how many it tried without the store failing */
  public int retryDue() {
    int tried = 0;
    while (true) {
      Boolean storeTookIt = transactions.execute(status -> {
        List<DeferredOutputs.Deferred> due = deferred.claimDue(clock.instant(), 1);
        return due.isEmpty() ? null : outputs.retry(due.getFirst());
      });
      if (storeTookIt == null || !storeTookIt) {
        return tried;
      }
      tried++;
    }
  }
}
