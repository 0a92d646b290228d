package io.emprops.generator.progress;

import java.util.function.Function;

/**
 * The wire form of the event being fanned out, prepared once for all the clients it goes to:
 * the relay hands every stream of a job the same {@link JobEvent} instance, so the last one
 * prepared is the one the next client needs. Two threads may both prepare a frame; neither
 * ever gets another event's.
 */
public final class FanOutFrames<T> {

  private record Prepared<T>(JobEvent event, T frame) {}

  private final Function<JobEvent, T> render;
  private volatile Prepared<T> last = new Prepared<>(null, null);

  public FanOutFrames(Function<JobEvent, T> render) {
    this.render = render;
  }

  public T of(JobEvent event) {
    Prepared<T> prepared = last;
    if (prepared.event() == event) {
      return prepared.frame();
    }
    T frame = render.apply(event);
    last = new Prepared<>(event, frame);
    return frame;
  }
}
