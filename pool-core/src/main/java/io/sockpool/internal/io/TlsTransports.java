package io.sockpool.internal.io;

import io.sockpool.Endpoint;
import io.sockpool.PoolConfig;
import io.sockpool.TlsConfig;
import io.sockpool.TlsStats;
import io.sockpool.TlsVerification;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TransportFactory} of a pool with TLS: each endpoint's connections get a {@link
 * TlsTransport} (handshake done here, inside the connect's deadline) or, for endpoints left in
 * plaintext, a {@link PlainTransport}. Holds one {@link SSLContext} per {@link TlsConfig} for the
 * pool's life (so sessions resume across reconnects), replaced as a whole by {@link #reload()}, and
 * counts handshakes.
 */
public final class TlsTransports implements TransportFactory {
  private static final Logger LOG = LoggerFactory.getLogger(TlsTransports.class);

  private final String poolName;
  private final Watchdog watchdog;
  private final PoolConfig config;
  private final List<TlsConfig> configs;
  private volatile IdentityHashMap<TlsConfig, SSLContext> contexts;
  private final LongAdder handshakes = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final LongAdder handshakeNanos = new LongAdder();
  private final LongAdder reloads = new LongAdder();

  /**
   * Makes the contexts of every TLS config of the pool; logs one WARN per config that does not
   * verify the peer.
   *
   * @param config the pool's config, with at least one TLS config
   * @param watchdog keeps the deadlines of blocking calls
   * @throws IllegalArgumentException if a context cannot be made (a file went missing since the
   *     config was built)
   */
  public TlsTransports(PoolConfig config, Watchdog watchdog) {
    this.poolName = config.poolName();
    this.watchdog = watchdog;
    this.config = config;
    List<TlsConfig> all = new ArrayList<>();
    config.tls().ifPresent(all::add);
    config.tlsOverrides().values().forEach(o -> o.ifPresent(all::add));
    this.configs = all.stream().distinct().toList();
    try {
      this.contexts = makeContexts();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "pool '" + poolName + "': TLS config: " + e.getMessage(), e);
    }
    for (TlsConfig c : configs) {
      if (c.verification() == TlsVerification.INSECURE) {
        LOG.warn(
            "pool '{}' uses TLS with verification INSECURE: any server certificate is accepted, so"
                + " the peer is not authenticated (for tests only)",
            poolName);
        break;
      }
    }
  }

  /**
   * @param config a pool's config
   * @return whether any endpoint of it uses TLS
   */
  public static boolean needed(PoolConfig config) {
    return config.tls().isPresent()
        || config.tlsOverrides().values().stream().anyMatch(Optional::isPresent);
  }

  private IdentityHashMap<TlsConfig, SSLContext> makeContexts()
      throws IOException, GeneralSecurityException {
    IdentityHashMap<TlsConfig, SSLContext> made = new IdentityHashMap<>();
    for (TlsConfig c : configs) {
      made.put(c, c.createContext());
    }
    return made;
  }

  /**
   * Reads the material of every TLS config again and uses it for the connections opened from now
   * on; open connections keep theirs. All or nothing: if one config fails, none changes.
   *
   * @throws IllegalStateException if the material could not be read (the message says why; the
   *     previous material stays in use)
   */
  public synchronized void reload() {
    try {
      contexts = makeContexts();
      reloads.increment();
      LOG.info("pool '{}' reloaded its TLS material", poolName);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.warn(
          "pool '{}' did not reload its TLS material, the previous material stays in use: {}",
          poolName,
          e.getMessage());
      throw new IllegalStateException(
          "TLS material of pool '"
              + poolName
              + "' not reloaded, the previous material stays in use: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Transport open(Endpoint endpoint, SocketChannel connected, long deadlineNanos)
      throws IOException {
    Optional<TlsConfig> tls = config.tlsFor(endpoint);
    if (tls.isEmpty()) {
      return new PlainTransport(endpoint, connected, watchdog);
    }
    TlsConfig c = tls.get();
    SSLEngine engine = engine(contexts.get(c), c, endpoint);
    TlsTransport transport = new TlsTransport(endpoint, connected, watchdog, engine, c);
    boolean tcp = endpoint.unixPath().isEmpty();
    boolean nagle = tcp && !connected.getOption(StandardSocketOptions.TCP_NODELAY);
    if (nagle) { // Nagle and delayed ACKs cost a handshake tens of ms
      connected.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
    long start = System.nanoTime();
    try {
      transport.handshake(deadlineNanos);
    } catch (SSLException e) {
      failed.increment();
      throw TlsFailures.describe(endpoint, c, transport.step(), e);
    } catch (IOException | RuntimeException e) {
      failed.increment();
      throw e;
    }
    long took = System.nanoTime() - start;
    handshakes.increment();
    handshakeNanos.add(took);
    long createdMillis = engine.getSession().getCreationTime();
    if (createdMillis < System.currentTimeMillis() - Duration.ofNanos(took).toMillis() - 1) {
      resumed.increment(); // the session is older than this handshake
    }
    if (nagle) {
      connected.setOption(StandardSocketOptions.TCP_NODELAY, false);
    }
    return transport;
  }

  private static SSLEngine engine(SSLContext context, TlsConfig c, Endpoint endpoint) {
    boolean unix = endpoint.unixPath().isPresent();
    String peerHost = unix ? c.sniName().orElse("localhost") : endpoint.host();
    SSLEngine engine = context.createSSLEngine(peerHost, unix ? -1 : endpoint.port());
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    if (!c.protocols().isEmpty()) {
      p.setProtocols(c.protocols().toArray(String[]::new));
    }
    if (!c.cipherSuites().isEmpty()) {
      p.setCipherSuites(c.cipherSuites().toArray(String[]::new));
    }
    if (c.verification() == TlsVerification.FULL) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    String sni =
        c.sniName()
            .orElse(unix || endpoint.ipLiteral().isPresent() ? null : stripDot(endpoint.host()));
    if (sni != null) {
      try {
        p.setServerNames(List.of(new SNIHostName(sni)));
      } catch (IllegalArgumentException e) {
        LOG.debug("{} is not a valid SNI name, none is sent: {}", sni, e.getMessage());
      }
    }
    engine.setSSLParameters(p);
    return engine;
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * @return the handshakes counted so far
   */
  public TlsStats stats() {
    return new TlsStats(
        handshakes.sum(),
        failed.sum(),
        resumed.sum(),
        Duration.ofNanos(handshakeNanos.sum()),
        reloads.sum());
  }
}
