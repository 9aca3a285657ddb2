package io.sockpool.internal.resolve;

import io.sockpool.AddressResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The check on every answer of an {@link AddressResolver}, where answers enter the pool: an answer
 * that is null, empty, or holds a null, wildcard ({@code 0.0.0.0}, {@code ::}) or multicast address
 * is a failed resolution, never a set of addresses to connect to. A wildcard address means "this
 * host" to {@code connect} (it would reach an unrelated local service on the port), and TCP cannot
 * connect to a multicast group. The whole answer is refused, not filtered: a resolver that answers
 * so is broken, and its other entries are not to be trusted.
 */
final class ResolvedAddresses {
  private ResolvedAddresses() {}

  /**
   * Validates a resolver's answer.
   *
   * @param host the host name looked up
   * @param resolver the resolver that answered (named in the message)
   * @param answer its answer
   * @return the answer, as an unmodifiable list
   * @throws UnknownHostException naming the answer and what is wrong with it, if it is not usable
   */
  static List<InetAddress> validate(String host, AddressResolver resolver, List<InetAddress> answer)
      throws UnknownHostException {
    if (answer == null || answer.isEmpty()) {
      throw new UnknownHostException(
          "the resolver "
              + resolver
              + " answered "
              + (answer == null ? "null" : "an empty list")
              + " for '"
              + host
              + "'; a resolver answers at least one address, or throws UnknownHostException");
    }
    List<String> problems = new ArrayList<>(0);
    for (int i = 0; i < answer.size(); i++) {
      InetAddress a = answer.get(i);
      if (a == null) {
        problems.add("entry " + i + " is null");
      } else if (a.isAnyLocalAddress()) {
        problems.add(a.getHostAddress() + " is the wildcard address (this host, not a peer)");
      } else if (a.isMulticastAddress()) {
        problems.add(a.getHostAddress() + " is a multicast address (TCP cannot connect to it)");
      }
    }
    if (!problems.isEmpty()) {
      throw new UnknownHostException(
          "the resolver "
              + resolver
              + " answered "
              + answer
              + " for '"
              + host
              + "', which is not usable: "
              + String.join("; ", problems)
              + "; a resolver answers unicast addresses of the peer");
    }
    return List.copyOf(answer);
  }
}
