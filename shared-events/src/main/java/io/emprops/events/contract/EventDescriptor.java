package io.emprops.events.contract;

/**
 * What the catalog knows about one event contract.
 *
 * @param type the versioned type name, e.g. {@code GenerationRequested.v1}
 * @param topic the topic of its aggregate type
 * @param javaType the record that carries it
 */
public record EventDescriptor(String type, Topic topic, Class<? extends DomainEvent> javaType) {}
