package io.emprops.gateway.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The header parsing accepts and refuses exactly what Security's regex does. */
class BearerTokenConverterTest {

  /** ServerBearerTokenAuthenticationConverter's pattern. */
  private static final Pattern SECURITY = Pattern.compile("^Bearer (?<token>[a-zA-Z0-9-._~+/]+=*)$",
      Pattern.CASE_INSENSITIVE);

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc.def.ghi", "bearer abc", "BEARER a-b_c~d+e/f==", "Bearer abc=",
      "Bearer", "Bearer ", "Bearer  abc", "Bearer abc ", "Bearer a=b", "Bearer ==", "Bearer !!!.###.$$$",
      "Bearer a.b\n", "Bearerabc", "Bearer\tabc", "Bearer é", "Bearer abc\u0000"})
  void agreesWithSecuritysPattern(String authorization) {
    Matcher matcher = SECURITY.matcher(authorization);
    String expected = matcher.matches() ? matcher.group("token") : null;

    assertThat(BearerTokenConverter.token(authorization)).isEqualTo(expected);
  }
}
