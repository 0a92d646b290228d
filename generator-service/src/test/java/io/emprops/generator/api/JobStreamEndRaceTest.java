package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.GatewayCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams end after their job's terminal event even while keep-alives are being written to them
 * (the end and a keep-alive come from different threads): with a keep-alive every 5 ms, every
 * stream's end meets one in flight sooner or later.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "emprops.generator.stream.heartbeat=5ms")
@EmbeddedInfrastructure(app = "generator-service")
class JobStreamEndRaceTest {

  @Autowired Environment environment;
  @Autowired JobRepository jobs;
  @Autowired JobEventLog events;
  @Autowired JsonMapper json;
  @Autowired PlatformTransactionManager transactionManager;

  @Test
  void everyStreamEndsAfterItsTerminalEventWhileKeepAlivesAreWritten() {
    GatewayCalls calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
    TransactionTemplate tx = new TransactionTemplate(transactionManager);
    String user = "race-" + UUID.randomUUID();
    for (int round = 0; round < 3; round++) {
      List<UUID> ids = new ArrayList<>();
      List<JobEventStreamSseTest.Sse> streams = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        UUID id = UUID.randomUUID();
        jobs.insert(new Job(id, user, UUID.randomUUID(), null, "queued", 0, 1, 1, null, null, null, null, null, null),
            "{}", null);
        ids.add(id);
        streams.add(JobEventStreamSseTest.Sse.open(calls, user, "/jobs/" + id + "/events", null));
      }
      for (JobEventStreamSseTest.Sse stream : streams) {
        assertThat(stream.next().comment()).isEqualTo("keepalive");
      }
      for (UUID id : ids) {
        tx.execute(s -> {
          jobs.transition(id, "queued", "completed", null, null);
          return events.append(id, "completed", JobEvent.JOB_COMPLETED, "done", json.readTree("{}"));
        });
      }
      for (JobEventStreamSseTest.Sse stream : streams) {
        assertThat(stream.remainingEventsUntilClosed()).extracting(JobEventStreamSseTest.Frame::event)
            .containsExactly("job_completed");
        stream.close();
      }
    }
  }
}
