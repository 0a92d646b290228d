package io.emprops.events.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import org.junit.jupiter.api.Test;

class InboxHandlersTest {

  private final InboxHandlers handlers = new InboxHandlers();
  private final InboxHandlerMethodRegistrar registrar = new InboxHandlerMethodRegistrar(handlers);

  static class Handlers {
    @InboxHandler("credits.reserve")
    void reserve(GenerationRequested event, EventMetadata metadata) {}

    @InboxHandler("read-model.grants")
    void grants(CreditsGranted event) {}
  }

  static class MisdeclaredHandler {
    @InboxHandler("broken")
    void handle(String notAnEvent) {}
  }

  @Test
  void registersAnnotatedMethodsByEventTypeAndKnowsTheirTopics() {
    registrar.postProcessAfterInitialization(new Handlers(), "handlers");

    assertThat(handlers.forType("GenerationRequested.v1")).extracting(InboxHandlers.RegisteredHandler::consumer)
        .containsExactly("credits.reserve");
    assertThat(handlers.forType("CreditsGranted.v1")).extracting(InboxHandlers.RegisteredHandler::consumer)
        .containsExactly("read-model.grants");
    assertThat(handlers.forType("AssetStored.v1")).isEmpty();
    assertThat(handlers.topics()).containsExactlyInAnyOrder(Topic.GENERATIONS, Topic.CREDITS);
  }

  @Test
  void refusesTwoHandlersOfOneEventUnderOneName() {
    handlers.register("credits.reserve", GenerationRequested.class, (event, metadata) -> {});
    assertThatThrownBy(() -> handlers.register("credits.reserve", GenerationRequested.class, (event, metadata) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesMethodsThatDoNotTakeAnEvent() {
    assertThatThrownBy(() -> registrar.postProcessAfterInitialization(new MisdeclaredHandler(), "misdeclared"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("misdeclared.handle");
  }

  @Test
  void refusesRegistrationsOnceConsuming() {
    handlers.freeze();
    assertThatThrownBy(() -> handlers.register("late", GenerationRequested.class, (event, metadata) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
