package io.emprops.publishing.testing;

import io.emprops.publishing.domain.publication.PublicationCheckpoints;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

/**
 * Holds the saga at one checkpoint: the test sees it arrive, then either releases it or stops the
 * service there (the held thread is interrupted and the round ends without its next step, as if
 * the process had died at that point).
 */
public final class StopAt implements PublicationCheckpoints {

  private final Checkpoint checkpoint;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  public StopAt(Checkpoint checkpoint) {
    this.checkpoint = checkpoint;
  }

  @Override
  public void reached(Checkpoint at, UUID collectionId) {
    if (at != checkpoint || released.getCount() == 0) {
      return;
    }
    reached.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("service stopped at " + at);
    }
  }

  public void awaitReached() throws InterruptedException {
    if (!reached.await(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the saga never reached " + checkpoint);
    }
  }

  public void release() {
    released.countDown();
  }
}
