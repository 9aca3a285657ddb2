package io.sockpool.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProcessResourcesTest {

  @Test
  void threadsAreFoundByNameAndTheWaitEndsWhenTheyHaveEnded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "process-resources-test-1");
    t.start();
    assertEquals(
        List.of("process-resources-test-1"),
        ProcessResources.threadsNamed("process-resources-test-"));
    release.countDown();
    long left =
        ProcessResources.awaitAtMost(
            () -> ProcessResources.threadsNamed("process-resources-test-").size(),
            0,
            Duration.ofSeconds(5));
    assertEquals(0, left);
  }

  @Test
  void awaitAtMostGivesUpAtTheDeadlineWithTheLastCount() throws Exception {
    long start = System.nanoTime();
    assertEquals(3, ProcessResources.awaitAtMost(() -> 3, 1, Duration.ofMillis(100)));
    assertTrue(System.nanoTime() - start >= 100_000_000L);
  }

  @Test
  void awaitTrueReturnsOnceTheConditionHoldsOrFalseAtTheDeadline() throws Exception {
    AtomicLong calls = new AtomicLong();
    assertTrue(
        ProcessResources.awaitTrue(() -> calls.incrementAndGet() >= 3, Duration.ofSeconds(5)));
    assertEquals(3, calls.get(), "stops polling once it holds");
    long start = System.nanoTime();
    assertFalse(ProcessResources.awaitTrue(() -> false, Duration.ofMillis(100)));
    assertTrue(System.nanoTime() - start >= 100_000_000L, "waited the whole time");
  }

  @Test
  void awaitStableWaitsUntilTheCountStopsChanging() throws Exception {
    AtomicLong calls = new AtomicLong();
    // changes on each of the first 10 reads, then stays at 10
    long stable =
        ProcessResources.awaitStable(
            () -> Math.min(calls.incrementAndGet(), 10),
            Duration.ofMillis(100),
            Duration.ofSeconds(5));
    assertEquals(10, stable);
  }

  @Test
  void openSocketsCountsThisProcesssSockets() throws Exception {
    if (ProcessResources.openSockets() < 0) {
      return; // no /proc here
    }
    try (FakePeer peer = FakePeer.echo()) {
      // the JDK opens a JVM-wide socket on first use: connect once before taking the baseline
      new Socket(peer.host(), peer.port()).close();
      assertTrue(peer.awaitOpenAtMost(0, Duration.ofSeconds(5)));
      long baseline =
          ProcessResources.awaitStable(
              ProcessResources::openSockets, Duration.ofMillis(200), Duration.ofSeconds(5));
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          clients.add(new Socket(peer.host(), peer.port()));
        }
        // accepts are asynchronous: wait until the peer holds its 5 ends too
        ProcessResources.awaitAtMost(() -> 5 - peer.open(), 0, Duration.ofSeconds(5));
        long held = ProcessResources.openSockets();
        assertTrue(held >= baseline + 10, "while open: " + held + ", baseline " + baseline);
        assertTrue(ProcessResources.openFds() >= held);
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
      long after =
          ProcessResources.awaitAtMost(
              ProcessResources::openSockets, baseline, Duration.ofSeconds(5));
      assertTrue(after <= baseline, "after closing: " + after + ", baseline " + baseline);
    }
  }

  @Test
  void describeOpenSocketsNamesEachSocketsAddressesAndState() throws Exception {
    if (ProcessResources.openSockets() < 0) {
      return; // no /proc here
    }
    try (FakePeer peer = FakePeer.echo();
        Socket client = new Socket(peer.host(), peer.port())) {
      String ends = "127.0.0.1:" + client.getLocalPort() + " -> 127.0.0.1:" + peer.port();
      List<String> described = ProcessResources.describeOpenSockets();
      assertTrue(
          described.stream().anyMatch(d -> d.matches("fd \\d+: tcp6? .*" + ends + " ESTABLISHED")),
          "the client's connection, " + ends + ", in " + described);
      assertTrue(
          described.stream()
              .anyMatch(d -> d.contains(":" + peer.port() + " -> ") && d.endsWith(" LISTEN")),
          "the peer's listening socket in " + described);
      assertEquals(
          3,
          described.stream().filter(d -> d.contains(":" + peer.port() + " ")).count(),
          "client, listener, accepted: " + described);
      assertEquals(1, ProcessResources.tcpConnectionsTo(peer.port()), described.toString());
      assertTrue(
          ProcessResources.openInetSockets() >= 3, "client, listener, accepted: " + described);
      // Each call reads /proc afresh, and sockets of earlier tests close meanwhile (the JDK's
      // HTTP keep-alive cache closes the Toxiproxy client's idle connections from a thread of
      // its own), so the whole-process counts agree with a description read at the same moment
      // only: retry until two reads in a row see the same sockets.
      assertTrue(
          ProcessResources.awaitTrue(
              () -> ProcessResources.openSockets() == ProcessResources.describeOpenSockets().size(),
              Duration.ofSeconds(4)),
          "openSockets() never matched describeOpenSockets(): "
              + ProcessResources.openSockets()
              + " vs "
              + ProcessResources.describeOpenSockets());
      assertTrue(
          ProcessResources.awaitTrue(
              () ->
                  ProcessResources.openInetSockets()
                      == ProcessResources.describeOpenSockets().stream()
                          .filter(d -> d.matches("fd \\d+: (tcp|udp)6? .*"))
                          .count(),
              Duration.ofSeconds(4)),
          "openInetSockets() never matched the tcp/udp lines: "
              + ProcessResources.openInetSockets()
              + " vs "
              + ProcessResources.describeOpenSockets());
    }
  }
}
