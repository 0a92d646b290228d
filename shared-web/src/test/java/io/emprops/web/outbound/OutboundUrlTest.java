package io.emprops.web.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "https://api.example.com/v1/images",
      "http://api.example.com:8443/{{path}}?q={{query}}",
      "https://api.example.com/{{model}}/generate",
      "https://93.184.216.34/x",
      "https://[2606:4700::1111]/x",
      "HTTPS://API.Example.COM/x"})
  void acceptable(String url) {
    assertThat(OutboundUrl.problem(url)).as(url).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "file:///etc/passwd",
      "gopher://example.com/_x",
      "ftp://example.com/x",
      "//example.com/x",
      "example.com/x",
      "http://127.0.0.1/x",
      "http://localhost:8080/x",
      "http://api.localhost/x",
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://10.0.0.5/x",
      "http://192.168.1.1/x",
      "http://[::1]/x",
      "http://[fd00::1]/x",
      "http://[::ffff:127.0.0.1]/x",
      "http://0.0.0.0/x",
      "http://2130706433/x",
      "http://0x7f000001/x",
      "http://127.1/x",
      "http://{{host}}/x",
      "http://api.example.com:{{port}}/x",
      "{{url}}",
      "https://user:secret@api.example.com/x",
      "https://exa mple.com/x",
      "https://-bad-.example.com/x",
      "https:///x"})
  void refused(String url) {
    assertThat(OutboundUrl.problem(url)).as(url).isPresent();
  }
}
