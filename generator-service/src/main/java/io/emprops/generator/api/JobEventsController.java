package io.emprops.generator.api;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.OwnJobs;
import io.emprops.generator.progress.FanOutFrames;
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
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * {@code GET /jobs/{id}/events} (API.md, "Generations and jobs"): a job's events as Server-Sent
 * Events, each with its seq as {@code id}. The response is asynchronous and holds no thread while
 * idle, so one instance can keep many open.
 */
@RestController
public class JobEventsController {

  private final JobStreams streams;
  private final OwnJobs ownJobs;
  private final ApiExceptionHandler errors;
  private final long maxDurationMillis;
  private final AtomicInteger open = new AtomicInteger();
  private final FanOutFrames<byte[]> frames = new FanOutFrames<>(event ->
      ("id:" + event.seq() + "\nevent:" + event.event() + "\ndata:" + event.dataJson() + "\n\n")
          .getBytes(StandardCharsets.UTF_8));

  public JobEventsController(JobStreams streams, OwnJobs ownJobs, ApiExceptionHandler errors,
      JobStreamProperties properties, MeterRegistry meters) {
    this.streams = streams;
    this.ownJobs = ownJobs;
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
  public void events(
      CallerIdentity caller,
      @PathVariable UUID jobId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
      @RequestParam(name = "last_event_id", required = false) String lastEventIdParameter,
      HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    String userId = caller.requireUserId();
    // The header wins: an EventSource reconnects to the same URL, whose parameter is stale by then.
    long lastEventId = lastEventIdHeader != null ? lastEventId("Last-Event-ID", lastEventIdHeader)
        : lastEventIdParameter != null ? lastEventId("last_event_id", lastEventIdParameter) : 0;
    Job job = ownJobs.find(userId, jobId);
    if (streams.seenToTheEnd(job.id(), job.isActive(), lastEventId)) {
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
      return;
    }
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/event-stream;charset=UTF-8");
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    // X-Accel-Buffering: proxies of the nginx family would otherwise hold events back.
    response.setHeader("X-Accel-Buffering", "no");
    AsyncContext async = request.startAsync(request, response);
    async.setTimeout(maxDurationMillis);
    new SseStream(async, response.getOutputStream()).start(job, lastEventId);
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

  /**
   * One SSE response following one job, written straight to the servlet's output stream: an
   * event costs one write and one flush of bytes prepared once for all its clients.
   */
  private final class SseStream implements JobStream.Sink, AsyncListener {

    private static final byte[] KEEP_ALIVE = ":keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final AsyncContext async;
    private final ServletOutputStream out;
    // Events (one drain at a time) and keep-alives (the heartbeat) write from different threads.
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> heartbeat;
    private volatile JobStream stream;

    SseStream(AsyncContext async, ServletOutputStream out) {
      this.async = async;
      this.out = out;
    }

    void start(Job job, long lastEventId) throws IOException {
      open.incrementAndGet();
      async.addListener(this);
      heartbeat = streams.keepAlive(this::keepAlive);
      // At once, so that the client and the proxies between get the response headers.
      write(KEEP_ALIVE);
      stream = streams.open(job.id(), job.isActive(), lastEventId, this);
    }

    @Override
    public void send(JobEvent event) throws IOException {
      write(frames.of(event));
    }

    private void write(byte[] bytes) throws IOException {
      writing.lock();
      try {
        if (finished.get()) {
          throw new IOException("The response has already ended");
        }
        out.write(bytes);
        out.flush();
      } catch (IllegalStateException e) {
        // completed meanwhile (a timeout, the instance shutting down)
        throw new IOException("The response has already ended", e);
      } finally {
        writing.unlock();
      }
    }

    /** Never with an error: the response is committed, so an error could not be rendered. */
    @Override
    public void end(Throwable failure) {
      complete();
    }

    private void keepAlive() {
      try {
        write(KEEP_ALIVE);
      } catch (IOException | RuntimeException e) {
        complete();
      }
    }

    /** Not under the write lock: a write blocked on a stalled client must not hold up the end. */
    private void complete() {
      if (finish()) {
        try {
          async.complete();
        } catch (IllegalStateException alreadyOver) {
          // the container ended it first (timeout, error)
        }
      }
    }

    /** @return whether this call finished the stream */
    private boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> ticking = heartbeat;
      if (ticking != null) {
        ticking.cancel(false);
      }
      JobStream following = stream;
      if (following != null) {
        following.close();
      }
      open.decrementAndGet();
      return true;
    }

    // A timeout ends the response like any other end: the client reconnects with its last id.
    @Override
    public void onTimeout(AsyncEvent event) {
      complete();
    }

    @Override
    public void onError(AsyncEvent event) {
      complete();
    }

    @Override
    public void onComplete(AsyncEvent event) {
      finish();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }
}
