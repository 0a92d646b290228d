package io.emprops.generator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class FanOutFramesTest {

  private static final UUID JOB = UUID.randomUUID();

  @Test
  void anEventIsRenderedOnceForAllItsClientsAndTheNextOneAfresh() {
    AtomicInteger renders = new AtomicInteger();
    FanOutFrames<String> frames = new FanOutFrames<>(event -> {
      renders.incrementAndGet();
      return "frame-" + event.seq();
    });
    JobEvent first = event(1);
    JobEvent second = event(2);

    for (int client = 0; client < 1000; client++) {
      assertThat(frames.of(first)).isEqualTo("frame-1");
    }
    assertThat(renders).hasValue(1);
    assertThat(frames.of(second)).isEqualTo("frame-2");
    // An equal event read again from the history is another instance: rendered, never mistaken.
    assertThat(frames.of(event(2))).isEqualTo("frame-2");
    assertThat(renders).hasValue(3);
  }

  @Test
  void threadsFanningOutDifferentEventsAtOnceEachGetTheirEventsFrame() throws InterruptedException {
    FanOutFrames<String> frames = new FanOutFrames<>(event -> "frame-" + event.seq());
    List<JobEvent> events = List.of(event(1), event(2), event(3));
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 50_000; i++) {
          JobEvent event = events.get((i + offset) % events.size());
          String frame = frames.of(event);
          if (!frame.equals("frame-" + event.seq())) {
            wrong.add(frame + " for " + event.seq());
          }
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(wrong).isEmpty();
  }

  private static JobEvent event(long seq) {
    return new JobEvent(seq, JOB, JobEvent.NODE_PROGRESS, "processing", "", JsonNodeFactory.instance.objectNode()
        .put("progress", seq), Instant.now(), seq - 1);
  }
}
