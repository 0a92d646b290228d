package io.emprops.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceparentTest {

  @Test
  void rendersTheW3cHeader() {
    assertThat(new Traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false).headerValue())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  }

  @Test
  void padsSixtyFourBitTraceIds() {
    assertThat(Traceparent.of("a3ce929d0e0e4736", "00f067aa0ba902b7", true).traceId())
        .isEqualTo("0000000000000000a3ce929d0e0e4736");
  }

  @Test
  void newRootsAreValidAndDistinct() {
    Traceparent first = Traceparent.newRoot();
    assertThat(first.headerValue()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(Traceparent.newRoot().traceId()).isNotEqualTo(first.traceId());
  }

  @Test
  void rejectsInvalidIds() {
    assertThatThrownBy(() -> new Traceparent("0".repeat(32), "00f067aa0ba902b7", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Traceparent("4BF92F3577B34DA6A3CE929D0E0E4736", "00f067aa0ba902b7", true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
