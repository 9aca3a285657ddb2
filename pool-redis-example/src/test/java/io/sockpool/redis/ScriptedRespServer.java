package io.sockpool.redis;

import io.sockpool.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real TCP server speaking (or misspeaking) RESP for tests: it decodes each command a
 * client sends and writes back the bytes a script returns for it, in slices of
 * {@code sliceBytes} bytes with a short pause after each of the first ten slices, so that the
 * client sees the reply in pieces. Counts accepted and still-open connections for leak checks.
 */
final class ScriptedRespServer implements AutoCloseable {
  private final ServerSocket server;
  private final Function<List<String>, byte[]> script;
  private final int sliceBytes;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  /**
   * @param script command (name and arguments) -> the raw reply bytes
   * @param sliceBytes largest piece written at once
   */
  ScriptedRespServer(Function<List<String>, byte[]> script, int sliceBytes) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.sliceBytes = sliceBytes;
    this.acceptor = new Thread(this::acceptLoop, "scripted-resp-acceptor");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", server.getLocalPort());
  }

  int accepted() {
    return accepted.get();
  }

  int open() {
    return open.get();
  }

  /** Waits until no accepted connection is open any more. */
  boolean awaitAllClosed(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (open.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        accepted.incrementAndGet();
        open.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "scripted-resp-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      RespDecoder decoder = new RespDecoder();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      byte[] chunk = new byte[4096];
      int n;
      while ((n = in.read(chunk)) > 0) {
        buf.put(chunk, 0, n).flip();
        RespValue command;
        while ((command = decoder.decode(buf)) != null) {
          List<String> args = ((RespValue.RespArray) command).elements().stream()
              .map(v -> ((RespValue.BulkString) v).asString()).toList();
          byte[] reply = script.apply(args);
          for (int off = 0; off < reply.length; off += sliceBytes) {
            out.write(reply, off, Math.min(sliceBytes, reply.length - off));
            out.flush();
            if (off + sliceBytes < reply.length && off < 10 * sliceBytes) {
              Thread.sleep(2);
            }
          }
        }
        buf.compact();
      }
    } catch (IOException e) {
      // client went away, or sent garbage
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw e;
    } finally {
      open.decrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
