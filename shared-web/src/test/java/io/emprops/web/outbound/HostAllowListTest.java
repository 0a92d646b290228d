package io.emprops.web.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostAllowListTest {

  private static final String PROPERTY = "emprops.test.allowed-hosts";

  @Test
  void anExactHostMatchesItselfOnAnyPortIgnoringCase() {
    HostAllowList list = HostAllowList.of(PROPERTY, List.of("api.openai.com"));
    assertThat(list.allows("api.openai.com", 443)).isTrue();
    assertThat(list.allows("API.OpenAI.com", 8080)).isTrue();
    assertThat(list.allows("api.openai.com.", 443)).as("trailing root dot").isTrue();
    assertThat(list.allows("eu.api.openai.com", 443)).isFalse();
    assertThat(list.allows("openai.com", 443)).isFalse();
    assertThat(list.allows("api.openai.com.evil.org", 443)).isFalse();
  }

  @Test
  void aWildcardMatchesSubdomainsAtAnyDepthButNotTheDomainItself() {
    HostAllowList list = HostAllowList.of(PROPERTY, List.of("*.Example.com"));
    assertThat(list.allows("a.example.com", 443)).isTrue();
    assertThat(list.allows("a.b.EXAMPLE.com", 80)).isTrue();
    assertThat(list.allows("example.com", 443)).isFalse();
    assertThat(list.allows("badexample.com", 443)).isFalse();
    assertThat(list.allows("a.example.com.evil.org", 443)).isFalse();
    assertThat(list.allows("example.org", 443)).isFalse();
  }

  @Test
  void aPortRestrictsTheEntryToThatPort() {
    HostAllowList list = HostAllowList.of(PROPERTY, List.of("api.example.com:8443", "*.cdn.example.com:443", "[::1]:8080"));
    assertThat(list.allows("api.example.com", 8443)).isTrue();
    assertThat(list.allows("api.example.com", 443)).isFalse();
    assertThat(list.allows("img.cdn.example.com", 443)).isTrue();
    assertThat(list.allows("img.cdn.example.com", 80)).isFalse();
    assertThat(list.allows("[::1]", 8080)).isTrue();
    assertThat(list.allows("[::1]", 8081)).isFalse();
  }

  @Test
  void anEmptyListAllowsNothing() {
    assertThat(HostAllowList.of(PROPERTY, List.of()).allows("api.openai.com", 443)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "*", "*.", "*example.com", "a.*.example.com", "example.com:https", "example.com:0",
      "example.com:65536", "*.0.0.1", "*.1", "*.[::1]", "[::1", "[::1]x", "::1", "user@example.com", "https://example.com", "example.com/path"})
  void refusesMalformedEntries(String entry) {
    assertThatIllegalArgumentException().isThrownBy(() -> HostAllowList.of(PROPERTY, List.of(entry)))
        .withMessageContaining("'" + entry + "'")
        .withMessageContaining(PROPERTY);
  }
}
