package io.emprops.webhooks.domain.delivery;

/** Tells this instance's dispatcher that deliveries may have become due (a fan-out, a finished lane head). */
public interface DeliveryWakeup {

  void wake();
}
