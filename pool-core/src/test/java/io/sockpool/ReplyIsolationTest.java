package io.sockpool;

import static io.sockpool.TestSupport.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import io.sockpool.testkit.Responder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reply never reaches a borrower other than the one whose request it answers, on every path a
 * connection goes back to the pool: a close from another thread while the holder is blocked in a
 * read, a write through the raw channel, a validator that left bytes unread in the socket, and a
 * holder that declared an exchange complete without reading its reply. Real sockets, one connection
 * per endpoint, so a connection kept is the one the next borrower gets.
 */
@Timeout(30)
class ReplyIsolationTest {
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private FakePeer peer;
  private SocketPool pool;

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  private Endpoint start(Supplier<Responder> protocol, PoolConfig.Builder config)
      throws IOException {
    peer = new FakePeer(protocol);
    pool = SocketPool.create(config.maxPerEndpoint(1).build());
    return Endpoint.of(peer.host(), peer.port());
  }

  private Endpoint start() throws IOException {
    return start(Responder::pingPong, PoolConfig.builder());
  }

  /** ECHO {@code token} on {@code c}, reading into a buffer with room, and returns the reply. */
  private static String echo(Connection c, String token) throws IOException {
    c.write(ByteBuffer.wrap(ascii("ECHO " + token + "\r\n")), TWO_SECONDS);
    ByteBuffer reply = ByteBuffer.allocate(64);
    long deadline = System.nanoTime() + TWO_SECONDS.toNanos();
    while (reply.position() < 2 || reply.get(reply.position() - 1) != '\n') {
      c.read(reply, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    c.exchangeComplete();
    return new String(Arrays.copyOf(reply.array(), reply.position()), StandardCharsets.US_ASCII);
  }

  @Test
  void aCloseFromAnotherThreadWhileTheHolderIsBlockedInAReadDestroysTheConnection()
      throws Exception {
    Endpoint ep = start();
    PooledConnection held = pool.checkout(ep);
    ByteBuffer holdersBuffer = ByteBuffer.allocate(64);
    CompletableFuture<Throwable> holderEnded = new CompletableFuture<>();
    Thread holder =
        new Thread(
            () -> {
              try {
                held.read(holdersBuffer, Duration.ofSeconds(20)); // nothing was asked: blocks
                holderEnded.complete(null);
              } catch (IOException | RuntimeException e) {
                holderEnded.complete(e);
              }
            },
            "blocked-holder");
    holder.start();
    assertEquals(
        0,
        ProcessResources.awaitAtMost(() -> blockedInRead(holder) ? 0 : 1, 0, TWO_SECONDS),
        "the holder's read did not start");

    held.close(); // from this thread, while the holder's read is under way

    try (PooledConnection next = pool.checkout(ep)) {
      assertEquals("+second\r\n", echo(next, "second"), "the next borrower gets its own reply");
    }
    Throwable ended = holderEnded.get(5, TimeUnit.SECONDS);
    assertInstanceOf(IOException.class, ended, "the blocked read ends with the connection");
    assertEquals(0, holdersBuffer.position(), "nothing reached the old holder's buffer");
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.BROKEN));
    assertEquals(2, peer.accepted());
  }

  private static boolean blockedInRead(Thread t) {
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().startsWith("sun.nio.ch.") && frame.getMethodName().equals("read")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aWriteThroughTheRawChannelWithoutADeclaredExchangeDestroysTheConnection() throws Exception {
    Endpoint ep = start();
    peer.answerAfter(Duration.ofMillis(200)); // the reply arrives after the return
    try (PooledConnection c = pool.checkout(ep)) {
      SocketChannel raw = c.channel();
      ByteBuffer request = ByteBuffer.wrap(ascii("ECHO first\r\n"));
      while (request.hasRemaining()) {
        raw.write(request);
      }
    } // no exchangeComplete(): the reply to the raw write is on its way

    try (PooledConnection next = pool.checkout(ep)) {
      assertEquals("+second\r\n", echo(next, "second"));
    }
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
  }

  @Test
  void aRawChannelUserThatDeclaresTheExchangeCompleteKeepsTheConnection() throws Exception {
    Endpoint ep = start();
    try (PooledConnection c = pool.checkout(ep)) {
      SocketChannel raw = c.channel();
      ByteBuffer request = ByteBuffer.wrap(ascii("ECHO first\r\n"));
      while (request.hasRemaining()) {
        raw.write(request);
      }
      ByteBuffer reply = ByteBuffer.allocate(8);
      c.readFully(reply, TWO_SECONDS);
      c.exchangeComplete();
      assertEquals("+first\r\n", new String(reply.array(), StandardCharsets.US_ASCII));
    }
    try (PooledConnection next = pool.checkout(ep)) {
      assertEquals("+second\r\n", echo(next, "second"));
    }
    assertEquals(1, peer.accepted(), "kept: the holder read and declared the exchange");
  }

  @Test
  void aValidatorThatLeftBytesInTheSocketDestroysTheConnection() throws Exception {
    AtomicBoolean firstPing = new AtomicBoolean(true);
    Endpoint ep =
        start(
            () ->
                Responder.lines(
                    line -> {
                      if (!line.equals("PING")) {
                        return "+" + line.substring(5) + "\r\n";
                      } // the first PING gets more than the validator reads, later ones not
                      return firstPing.getAndSet(false) ? "+PONG\r\n+NOTICE\r\n" : "+PONG\r\n";
                    }),
            PoolConfig.builder()
                .validator(TestSupport.PING)
                .validationWindow(Duration.ZERO)); // every reuse is validated
    try (PooledConnection c = pool.checkout(ep)) {
      assertEquals("+first\r\n", echo(c, "first")); // a read with room: plain reads from now
    }

    try (PooledConnection next = pool.checkout(ep)) { // reused: the validator runs
      assertEquals("+second\r\n", echo(next, "second"), "the validator's leftovers");
    }
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.VALIDATION));
  }

  @Test
  void exchangeCompleteWithNoReadSinceTheWriteIsNotTrusted() throws Exception {
    Endpoint ep = start();
    peer.answerAfter(Duration.ofMillis(200)); // the reply arrives after the return
    try (PooledConnection c = pool.checkout(ep)) {
      c.write(ByteBuffer.wrap(ascii("ECHO first\r\n")), TWO_SECONDS);
      c.exchangeComplete(); // false: nothing was read
    }

    try (PooledConnection next = pool.checkout(ep)) {
      assertEquals("+second\r\n", echo(next, "second"));
    }
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
  }

  @Test
  void anOperationOfExecuteThatWroteAfterItsLastReadDestroysTheConnection() throws Exception {
    Endpoint ep = start();
    peer.answerAfter(Duration.ofMillis(200)); // the reply arrives after the return
    pool.execute(
        ep,
        c -> {
          c.write(ByteBuffer.wrap(ascii("ECHO first\r\n")), TWO_SECONDS);
          return null; // execute declares the exchange complete: not trusted, nothing was read
        });

    assertEquals("+second\r\n", pool.execute(ep, c -> echo(c, "second")));
    assertEquals(1, pool.stats(ep).destroyed(DestroyReason.INCOMPLETE_EXCHANGE));
  }

  @Test
  void aRequestDeclaredToHaveNoReplyKeepsTheConnection() throws Exception {
    Endpoint ep =
        start(
            () -> Responder.lines(line -> line.startsWith("QUIT") ? null : "+ok\r\n"),
            PoolConfig.builder());
    try (PooledConnection c = pool.checkout(ep)) {
      c.write(ByteBuffer.wrap(ascii("QUIT-LIKE no reply\r\n")), TWO_SECONDS);
      c.requestHasNoReply();
    }
    assertEquals(
        0,
        ProcessResources.awaitAtMost(() -> peer.bytesReceived() > 0 ? 0 : 1, 0, TWO_SECONDS),
        "the peer got the request");
    try (PooledConnection next = pool.checkout(ep)) {
      next.write(ByteBuffer.wrap(ascii("GET\r\n")), TWO_SECONDS);
      ByteBuffer reply = ByteBuffer.allocate(5);
      next.readFully(reply, TWO_SECONDS);
      next.exchangeComplete();
      assertEquals("+ok\r\n", new String(reply.array(), StandardCharsets.US_ASCII));
    }
    assertEquals(1, peer.accepted(), "kept");
    assertEquals(0, pool.stats(ep).destroyedTotal());
  }
}
