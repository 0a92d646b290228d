package io.emprops.web.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock for tests: the system's time plus an offset a test moves forward, so that expiries and
 * windows pass without waiting; {@link #freeze()} stops it where it is. {@link #reset()} returns
 * to the system's time.
 */
public final class AdjustableClock extends Clock {

  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
  private final AtomicReference<Instant> frozenAt = new AtomicReference<>();
  private final Clock base;

  public AdjustableClock() {
    this(Clock.systemUTC());
  }

  public AdjustableClock(Clock base) {
    this.base = base;
  }

  /** Moves this clock forward by {@code by}. */
  public void advance(Duration by) {
    offset.accumulateAndGet(by, Duration::plus);
  }

  /** Stops this clock at its current time; {@link #advance} still moves it. */
  public void freeze() {
    frozenAt.set(base.instant());
  }

  /** Back to the base clock's time, running. */
  public void reset() {
    frozenAt.set(null);
    offset.set(Duration.ZERO);
  }

  @Override
  public Instant instant() {
    Instant frozen = frozenAt.get();
    return (frozen != null ? frozen : base.instant()).plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
