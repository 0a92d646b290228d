package io.emprops.events.inbox;

import io.emprops.events.contract.DomainEvent;

/** A handler registered without the annotation, see {@link InboxHandlers#register}. */
@FunctionalInterface
public interface EventHandlerFunction<E extends DomainEvent> {

  void handle(E event, EventMetadata metadata) throws Exception;
}
