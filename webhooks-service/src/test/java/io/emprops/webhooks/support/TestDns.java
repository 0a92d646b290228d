package io.emprops.webhooks.support;

import io.emprops.webhooks.domain.endpoint.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for DNS (none can be run here): names the test sets answer what it says, so a name
 * can change its answer between registration and an attempt (DNS rebinding); any other name goes
 * to the system resolver.
 */
public final class TestDns implements HostResolver {

  private final Map<String, InetAddress[]> answers = new ConcurrentHashMap<>();

  public void answer(String host, String... addresses) {
    InetAddress[] resolved = new InetAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      try {
        resolved[i] = InetAddress.getByName(addresses[i]);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(addresses[i], e);
      }
    }
    answers.put(host, resolved);
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] answer = answers.get(host);
    return answer != null ? answer.clone() : InetAddress.getAllByName(host);
  }
}
