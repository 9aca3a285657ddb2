package io.sockpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.internal.io.Watchdog;
import io.sockpool.testkit.FakePeer;
import io.sockpool.testkit.ProcessResources;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The eviction rules with time as an input: no sleeping. */
@Timeout(10)
class EvictionRulesTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Endpoint E = Endpoint.of("127.0.0.1", 1);

  private static PooledChannel channel(long created, long expires) {
    return new PooledChannel(E, null, null, created, expires);
  }

  @Test
  void idleTimeoutAppliesFromTheLastUse() {
    EvictionRules rules = new EvictionRules(1000 * MS, () -> 0L);
    PooledChannel ch = channel(0, 60_000 * MS);
    assertNull(rules.expired(ch, 999 * MS));
    assertEquals(
        DestroyReason.IDLE, rules.expired(ch, 1000 * MS), "idle for exactly idleTimeout: gone");
    ch.touch(900 * MS);
    assertNull(rules.expired(ch, 1899 * MS));
    assertEquals(DestroyReason.IDLE, rules.expired(ch, 1900 * MS));
  }

  @Test
  void lifetimeEndsAtTheJitteredExpiryEvenIfBusy() {
    EvictionRules rules = new EvictionRules(1000 * MS, () -> 0L);
    PooledChannel ch = channel(0, 5000 * MS);
    ch.touch(4999 * MS);
    assertNull(rules.expired(ch, 4999 * MS));
    assertEquals(DestroyReason.LIFETIME, rules.expired(ch, 5000 * MS));
  }

  @Test
  void clockValuesAcrossTheNanoTimeWrapAreHandled() {
    long start = Long.MAX_VALUE - 10 * MS;
    EvictionRules rules = new EvictionRules(100 * MS, () -> 0L);
    PooledChannel ch = channel(start, start + 10_000 * MS);
    assertNull(rules.expired(ch, start + 50 * MS));
    assertEquals(DestroyReason.IDLE, rules.expired(ch, start + 100 * MS));
  }

  @Test
  void evictorPolicyUsesItsClockAndRecordsTheReason() {
    long[] now = {0};
    EvictionRules rules = new EvictionRules(1000 * MS, () -> now[0]);
    PooledChannel ch = channel(0, 60_000 * MS);
    now[0] = 2000 * MS;
    assertTrue(rules.evict(null, new DefaultPooledObject<>(ch), 1));
    assertEquals(DestroyReason.IDLE, ch.destroyReason());
  }

  @Test
  void connectionsOpenedTogetherGetDifferentLifetimesWithinTheJitter() throws Exception {
    long lifetime = 60_000 * MS;
    long jitter = 10_000 * MS;
    SocketConnector connector =
        ChannelFixture.connector(new Watchdog("test-watchdog"), lifetime, jitter);
    Set<Long> offsets = new HashSet<>();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Endpoint e = Endpoint.of("127.0.0.1", server.getLocalPort());
      for (int i = 0; i < 20; i++) {
        PooledChannel ch = connector.connect(e, System.nanoTime() + 1000 * MS);
        long life = ch.expiresNanos() - ch.createdNanos();
        assertTrue(life > lifetime - jitter && life <= lifetime, "lifetime " + life / MS + " ms");
        offsets.add(life / MS);
        ch.closeQuietly();
      }
    }
    assertTrue(offsets.size() >= 15, "lifetimes should differ, got " + offsets);
  }

  @Test
  void aRetiredConnectionGoesFirstWhateverItsTimes() {
    EvictionRules rules = new EvictionRules(1000 * MS, () -> 0L);
    PooledChannel ch = channel(0, 5000 * MS);
    ch.retire();
    assertEquals(DestroyReason.RETIRED, rules.expired(ch, 0));
    assertEquals(DestroyReason.RETIRED, rules.check(ch, 6000 * MS), "before its lifetime ends");
  }

  @Test
  void theCheapCheckGivesTheTimeRuleBeforeAnyProbe() {
    EvictionRules rules = new EvictionRules(1000 * MS, () -> 0L);
    // no socket behind these: a probe would fail, so the time rules must answer first
    assertEquals(DestroyReason.IDLE, rules.check(channel(0, 60_000 * MS), 1000 * MS));
    assertEquals(DestroyReason.LIFETIME, rules.check(channel(0, 500 * MS), 500 * MS));
  }

  @Test
  void theEvictorKeepsAYoungConnectionWhoseProbeFindsItAlive() throws Exception {
    try (ChannelFixture fixture = new ChannelFixture()) {
      PooledChannel ch = fixture.connect(FakePeer.echo());
      EvictionRules rules = new EvictionRules(60_000 * MS, System::nanoTime);
      assertFalse(rules.evict(null, new DefaultPooledObject<>(ch), 1));
      assertNull(ch.destroyReason());
    }
  }

  @Test
  void aYoungConnectionWithAReplyNobodyReadIsDirty() throws Exception {
    try (ChannelFixture fixture = new ChannelFixture()) {
      PooledChannel ch = fixture.connect(FakePeer.echo());
      ch.write(ChannelFixture.ascii("0123456789abcdef"), System.nanoTime() + 2_000 * MS); // echoed
      EvictionRules rules = new EvictionRules(60_000 * MS, System::nanoTime);
      ProcessResources.awaitTrue(
          () -> rules.check(ch, System.nanoTime()) != null,
          Duration.ofSeconds(5)); // the probe reads one byte of it
      assertEquals(DestroyReason.DIRTY, rules.check(ch, System.nanoTime()));
      assertTrue(rules.evict(null, new DefaultPooledObject<>(ch), 1));
      assertEquals(DestroyReason.DIRTY, ch.destroyReason());
    }
  }
}
