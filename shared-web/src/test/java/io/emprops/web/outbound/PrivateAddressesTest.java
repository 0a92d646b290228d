package io.emprops.web.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IP literals only: {@link InetAddress#getByName} parses them without DNS. */
class PrivateAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "0.0.0.0", "0.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "224.0.0.1", "240.0.0.1", "255.255.255.255",
      "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
      "::127.0.0.1", "64:ff9b::a9fe:a9fe"})
  void refusesNonPublicAddresses(String literal) throws UnknownHostException {
    assertThat(PrivateAddresses.isPrivate(InetAddress.getByName(literal))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.63.255.255", "100.128.0.1",
      "192.169.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "64:ff9b::808:808", "::ffff:8.8.8.8"})
  void acceptsPublicAddresses(String literal) throws UnknownHostException {
    assertThat(PrivateAddresses.isPrivate(InetAddress.getByName(literal))).isFalse();
  }
}
