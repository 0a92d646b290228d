package io.emprops.events.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an event contract on the wire. The name carries the contract version: a contract only
 * grows (new optional fields) within a version; a breaking change is a new record with the next
 * version, and consumers handle both while producers migrate.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface EventType {

  /** {@code <Name>.v<version>}, e.g. {@code GenerationRequested.v1}: the {@code eventType} header. */
  String value();

  /** The topic of the aggregate the event belongs to. */
  Topic topic();
}
