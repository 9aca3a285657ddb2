import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * Does {@code close()} of a blocking {@link SocketChannel} wait for the thread blocked in its
 * {@code read()} to run again? (The pool's watchdog ends an overdue read by closing the channel
 * from its own thread; if the close waited for the reader, a reader held off the CPU would hold
 * up every other deadline the watchdog keeps.) Each round times the close with the reader free to
 * run, and with the reader suspended for 50 ms around the close.
 *
 * <p>Run: {@code java benchmarks/scripts/CloseWait.java 20} (a single-file program; rounds as the
 * argument).
 */
public class CloseWait {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    long[] free = new long[rounds];
    long[] heldOff = new long[rounds];
    try (ServerSocketChannel server =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      for (int i = 0; i < rounds; i++) {
        free[i] = timeClose(server, false);
        heldOff[i] = timeClose(server, true);
      }
    }
    report("close() with the reader free to run", free);
    report("close() with the reader suspended for 50 ms", heldOff);
  }

  @SuppressWarnings("removal") // Thread.suspend: the one way to hold one thread off the CPU
  private static long timeClose(ServerSocketChannel server, boolean suspend) throws Exception {
    try (SocketChannel c = SocketChannel.open(server.getLocalAddress());
        SocketChannel peer = server.accept()) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  c.read(ByteBuffer.allocate(8)); // nothing comes: blocks until the close
                } catch (Exception expected) {
                  // AsynchronousCloseException
                }
              });
      reader.start();
      while (!inRead(reader)) {
        Thread.onSpinWait();
      }
      Thread resumer = null;
      if (suspend) {
        reader.suspend();
        resumer =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  reader.resume();
                });
        resumer.start();
      }
      long t0 = System.nanoTime();
      c.close();
      long took = System.nanoTime() - t0;
      reader.join();
      if (resumer != null) {
        resumer.join();
      }
      return took;
    }
  }

  private static boolean inRead(Thread t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getClassName().startsWith("sun.nio.ch.") && f.getMethodName().equals("read")) {
        return true;
      }
    }
    return false;
  }

  private static void report(String what, long[] nanos) {
    Arrays.sort(nanos);
    System.out.printf(
        "%s: median %.3f ms, max %.3f ms (%d rounds)%n",
        what, nanos[nanos.length / 2] / 1e6, nanos[nanos.length - 1] / 1e6, nanos.length);
  }
}
