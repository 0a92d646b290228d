package io.emprops.webhooks.domain.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a host to its addresses; the system resolver outside tests. */
@FunctionalInterface
public interface HostResolver {

  HostResolver SYSTEM = InetAddress::getAllByName;

  InetAddress[] resolve(String host) throws UnknownHostException;
}
