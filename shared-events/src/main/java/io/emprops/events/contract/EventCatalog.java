package io.emprops.events.contract;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Every event contract of the suite, derived from the permitted subtypes of {@link DomainEvent}. */
public final class EventCatalog {

  private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z]+\\.v[1-9][0-9]*");

  private static final List<EventDescriptor> ALL = Arrays.stream(DomainEvent.class.getPermittedSubclasses())
      .map(EventCatalog::describe)
      .sorted(Comparator.comparing(EventDescriptor::type))
      .toList();
  private static final Map<String, EventDescriptor> BY_TYPE =
      ALL.stream().collect(Collectors.toUnmodifiableMap(EventDescriptor::type, Function.identity()));
  private static final Map<Class<?>, EventDescriptor> BY_CLASS =
      ALL.stream().collect(Collectors.toUnmodifiableMap(EventDescriptor::javaType, Function.identity()));

  private EventCatalog() {}

  public static List<EventDescriptor> all() {
    return ALL;
  }

  public static EventDescriptor of(DomainEvent event) {
    return of(event.getClass());
  }

  public static EventDescriptor of(Class<? extends DomainEvent> eventClass) {
    EventDescriptor descriptor = BY_CLASS.get(eventClass);
    if (descriptor == null) {
      throw new IllegalArgumentException(eventClass.getName() + " is not an event contract");
    }
    return descriptor;
  }

  /** Empty for a type this build does not know, e.g. a newer version than it was built with. */
  public static Optional<EventDescriptor> byType(String type) {
    return Optional.ofNullable(BY_TYPE.get(type));
  }

  @SuppressWarnings("unchecked")
  private static EventDescriptor describe(Class<?> permitted) {
    EventType annotation = permitted.getAnnotation(EventType.class);
    if (annotation == null) {
      throw new IllegalStateException(permitted.getName() + " lacks @EventType");
    }
    if (!TYPE_NAME.matcher(annotation.value()).matches()) {
      throw new IllegalStateException(permitted.getName() + ": type name '" + annotation.value()
          + "' is not of the form Name.v<version>");
    }
    return new EventDescriptor(annotation.value(), annotation.topic(), (Class<? extends DomainEvent>) permitted);
  }
}
