package io.sockpool.bench.load;

import io.sockpool.Endpoint;
import io.sockpool.redis.RedisTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSocket;

/**
 * The no-pool baseline over TLS: for every PING a new TCP connection (TCP_NODELAY before the
 * handshake), a full TLS handshake or a resumed one (one {@link javax.net.ssl.SSLContext} for the
 * whole point, sockets created with host and port, so the JDK may resume), the PING, and a close.
 * Counts its handshakes.
 */
final class TlsConnectPerRequestClient implements PingClient {
  private final Endpoint redis;
  private final InetSocketAddress address;
  private final Duration timeout;
  private final RedisTls tls;
  private final LongAdder handshakes = new LongAdder();

  TlsConnectPerRequestClient(InetSocketAddress address, Duration timeout, RedisTls tls) {
    this.address = address;
    this.redis = Endpoint.of(address.getHostString(), address.getPort());
    this.timeout = timeout;
    this.tls = tls;
  }

  @Override
  public Worker newWorker() {
    byte[] request = RespPing.REQUEST.clone();
    byte[] reply = new byte[RespPing.REPLY.length];
    byte[] expected = RespPing.REPLY;
    int millis = Math.toIntExact(timeout.toMillis());
    return () -> {
      Socket plain = new Socket();
      try {
        plain.setTcpNoDelay(true);
        plain.connect(address, millis);
        plain.setSoTimeout(millis);
      } catch (IOException e) {
        plain.close();
        throw e;
      }
      try (SSLSocket socket = tls.handshake(plain, redis)) {
        handshakes.increment();
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < reply.length) {
          int n = in.read(reply, read, reply.length - read);
          if (n < 0) {
            throw new java.io.EOFException("the server closed the connection before +PONG");
          }
          read += n;
        }
        if (!Arrays.equals(reply, expected)) {
          throw new ProtocolException("expected +PONG but got " + Arrays.toString(reply));
        }
      }
    };
  }

  @Override
  public java.util.Optional<String> diagnostics() {
    return java.util.Optional.of("{handshakes=" + handshakes.sum() + "}");
  }

  @Override
  public void close() {
    // every socket is closed by its PING
  }
}
