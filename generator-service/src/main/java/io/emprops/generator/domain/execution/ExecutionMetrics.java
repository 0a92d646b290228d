package io.emprops.generator.domain.execution;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The saga as a dashboard sees it: unfinished jobs by status, steps in flight, outputs waiting for
 * storage-service, jobs running on their owner's credit standing before credits decided, and the
 * age of the oldest job still running (a stuck saga shows here first). Read from the database every few
 * seconds, so every instance reports the same figures and a scrape costs nothing.
 */
@Component
class ExecutionMetrics {

  private static final List<String> ACTIVE = List.of("pending", "queued", "processing");

  private final JdbcClient jdbc;
  private final Map<String, AtomicLong> jobsByStatus = new ConcurrentHashMap<>();
  private final AtomicLong stepsInFlight = new AtomicLong();
  private final AtomicLong oldestActiveSeconds = new AtomicLong();
  private final AtomicLong outputsStoring = new AtomicLong();
  private final AtomicLong onCreditStanding = new AtomicLong();

  ExecutionMetrics(JdbcClient jdbc, MeterRegistry meters) {
    this.jdbc = jdbc;
    for (String status : ACTIVE) {
      AtomicLong count = new AtomicLong();
      jobsByStatus.put(status, count);
      Gauge.builder("generator_jobs_active", count, AtomicLong::get).tag("status", status)
          .description("Jobs not yet ended, by status").register(meters);
    }
    Gauge.builder("generator_steps_in_flight", stepsInFlight, AtomicLong::get)
        .description("Steps handed to the job queue or the fetch executor and not yet ended").register(meters);
    Gauge.builder("generator_job_oldest_active_age_seconds", oldestActiveSeconds, AtomicLong::get)
        .description("Age of the oldest job not yet ended").register(meters);
    Gauge.builder("generator_outputs_storing", outputsStoring, AtomicLong::get)
        .description("Output files handed to storage-service and not yet answered for").register(meters);
    Gauge.builder("generator_jobs_on_credit_standing", onCreditStanding, AtomicLong::get)
        .description("Jobs started on the owner's credit standing whose reservation credits-service has not decided")
        .register(meters);
  }

  @Scheduled(fixedDelayString = "${emprops.generator.execution.metrics-interval:10s}", initialDelay = 0)
  void refresh() {
    jobsByStatus.values().forEach(count -> count.set(0));
    jdbc.sql("SELECT status, count(*) AS n FROM jobs WHERE status IN ('pending', 'queued', 'processing') GROUP BY status")
        .query((rs, row) -> {
          jobsByStatus.get(rs.getString("status")).set(rs.getLong("n"));
          return null;
        }).list();
    stepsInFlight.set(jdbc.sql("SELECT count(*) FROM job_steps WHERE status IN ('queued', 'running')")
        .query(Long.class).single());
    oldestActiveSeconds.set(jdbc.sql("""
            SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint FROM jobs
            WHERE status IN ('pending', 'queued', 'processing')""")
        .query(Long.class).single());
    outputsStoring.set(jdbc.sql("SELECT count(*) FROM job_outputs WHERE status = 'storing'").query(Long.class).single());
    onCreditStanding.set(jdbc.sql("SELECT count(*) FROM jobs WHERE credits_advanced").query(Long.class).single());
  }
}
