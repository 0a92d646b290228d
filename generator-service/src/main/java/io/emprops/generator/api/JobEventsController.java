package io.emprops.generator.api;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobStream;
import io.emprops.generator.progress.JobStreamProperties;
import io.emprops.generator.progress.JobStreams;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.error.ApiExceptionHandler;
import io.emprops.web.identity.CallerIdentity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /jobs/{id}/events} (API.md, "Generations and jobs"): a job's events as Server-Sent
 * Events, each with its seq as {@code id}. The response is asynchronous and holds no thread while
 * idle, so one instance can keep many open.
 */
@RestController
public class JobEventsController {

  /** SSE is UTF-8 text; without the charset the converter would write ISO-8859-1. */
  private static final MediaType UTF8_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

  private final JobStreams streams;
  private final ApiExceptionHandler errors;
  private final long maxDurationMillis;
  private final AtomicInteger open = new AtomicInteger();

  public JobEventsController(JobStreams streams, ApiExceptionHandler errors,
      JobStreamProperties properties, MeterRegistry meters) {
    this.streams = streams;
    this.errors = errors;
    this.maxDurationMillis = properties.maxDuration().toMillis();
    Gauge.builder("generator_job_streams_open", open, AtomicInteger::get).tag("transport", "sse")
        .description("Open job event streams on this instance (SSE responses, WebSocket connections)")
        .register(meters);
  }

  /**
   * Replays the job's events after the client's last one ({@code Last-Event-ID}, or
   * {@code last_event_id} for clients that cannot set headers), then follows the job and closes
   * after its terminal event. 204 when the job has ended and the client has seen all of it: that
   * tells an EventSource to stop reconnecting.
   */
  @GetMapping(path = "/jobs/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public ResponseEntity<SseEmitter> events(
      CallerIdentity caller,
      @PathVariable UUID jobId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
      @RequestParam(name = "last_event_id", required = false) String lastEventIdParameter) {
    String userId = caller.requireUserId();
    // The header wins: an EventSource reconnects to the same URL, whose parameter is stale by then.
    long lastEventId = lastEventIdHeader != null ? lastEventId("Last-Event-ID", lastEventIdHeader)
        : lastEventIdParameter != null ? lastEventId("last_event_id", lastEventIdParameter) : 0;
    Job job = streams.findOwn(jobId, userId).orElseThrow(() -> ApiException.notFound("Job"));
    if (streams.seenToTheEnd(job, lastEventId)) {
      return ResponseEntity.noContent().build();
    }
    SseStream sse = new SseStream(new SseEmitter(maxDurationMillis));
    sse.start(job, lastEventId);
    // X-Accel-Buffering: proxies of the nginx family would otherwise hold events back.
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Accel-Buffering", "no")
        .body(sse.emitter);
  }

  // The client accepts text/event-stream only, which Spring MVC would hold against the JSON
  // envelope of an error (406): these answers name their content type.

  @ExceptionHandler
  ResponseEntity<ApiResponse<Void>> refused(ApiException e) {
    return asJson(errors.handleApi(e));
  }

  @ExceptionHandler
  ResponseEntity<ApiResponse<Void>> refused(MethodArgumentTypeMismatchException e) {
    return asJson(errors.handleTypeMismatch(e));
  }

  private static ResponseEntity<ApiResponse<Void>> asJson(ResponseEntity<ApiResponse<Void>> envelope) {
    return ResponseEntity.status(envelope.getStatusCode()).contentType(MediaType.APPLICATION_JSON)
        .body(envelope.getBody());
  }

  private static long lastEventId(String name, String value) {
    long id;
    try {
      id = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id < 0) {
      throw ApiException.invalid(name, "must be the id of an event (a non-negative integer)");
    }
    return id;
  }

  /** One SSE response following one job. */
  private final class SseStream implements JobStream.Sink {

    private final SseEmitter emitter;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> heartbeat;
    private volatile JobStream stream;

    SseStream(SseEmitter emitter) {
      this.emitter = emitter;
    }

    void start(Job job, long lastEventId) {
      open.incrementAndGet();
      // A timeout ends the response like any other end: the client reconnects with its last id.
      emitter.onTimeout(emitter::complete);
      // Also after a timeout or an error (a client gone away); not for a response completed
      // before Spring MVC took it over, hence the direct calls to finish() as well.
      emitter.onCompletion(this::finish);
      heartbeat = streams.keepAlive(this::keepAlive);
      // At once, so that the client and the proxies between get the response headers.
      keepAlive();
      stream = streams.open(job, lastEventId, this);
    }

    @Override
    public void send(JobEvent event) throws IOException {
      try {
        // One write per event (SseEmitter's builder would make four): the frame as a whole.
        emitter.send(Set.of(new ResponseBodyEmitter.DataWithMediaType(
            "id:" + event.seq() + "\nevent:" + event.event() + "\ndata:" + event.dataJson() + "\n\n",
            UTF8_TEXT)));
      } catch (IllegalStateException e) {
        throw new IOException("The response has already ended", e);
      }
    }

    /** Never with an error: the response is committed, so an error could not be rendered. */
    @Override
    public void end(Throwable failure) {
      finish();
      emitter.complete();
    }

    private void keepAlive() {
      try {
        emitter.send(SseEmitter.event().comment("keepalive"));
      } catch (IOException | IllegalStateException e) {
        finish();
      }
    }

    private void finish() {
      if (finished.compareAndSet(false, true)) {
        heartbeat.cancel(false);
        JobStream following = stream;
        if (following != null) {
          following.close();
        }
        open.decrementAndGet();
      }
    }
  }
}
