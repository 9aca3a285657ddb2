package io.sockpool.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockpool.DestroyReason;
import io.sockpool.Endpoint;
import io.sockpool.LogCapture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rate limit of the pool's warnings, on a clock the test moves. */
@Timeout(10)
class PoolEventLogTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 6379);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 6379);

  private final AtomicLong now = new AtomicLong(123_456_789L);
  private final PoolEventLog events = new PoolEventLog("limits", now::get);
  private LogCapture log;

  @BeforeEach
  void capture() {
    log = LogCapture.start();
  }

  @AfterEach
  void release() {
    log.close();
  }

  private void advanceSeconds(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  private List<String> warned(Endpoint e) {
    return log.messages(LogCapture.WARN, e.toString());
  }

  @Test
  void theFirstIsLoggedTheRestOfTheMinuteCountedAndTheNextOneSaysHowManyWereLeftOut() {
    for (int i = 0; i < 5; i++) {
      events.destroyed(A, DestroyReason.INCOMPLETE_EXCHANGE);
      advanceSeconds(10); // 0, 10, ... 40 s: one minute not over
    }
    assertEquals(1, warned(A).size(), warned(A).toString());
    assertTrue(!warned(A).get(0).contains("more like it"), warned(A).get(0));
    advanceSeconds(20); // 60 s after the first
    events.destroyed(A, DestroyReason.INCOMPLETE_EXCHANGE);
    assertEquals(2, warned(A).size(), warned(A).toString());
    assertTrue(warned(A).get(1).contains("(4 more like it since the last one)"), warned(A).get(1));
    events.destroyed(A, DestroyReason.INCOMPLETE_EXCHANGE);
    assertEquals(2, warned(A).size(), "the interval starts again from the second message");
  }

  @Test
  void eachEndpointAndEachKindHasItsOwnLimit() {
    events.destroyed(A, DestroyReason.INCOMPLETE_EXCHANGE);
    events.destroyed(A, DestroyReason.DIRTY);
    events.destroyed(B, DestroyReason.INCOMPLETE_EXCHANGE);
    events.destroyed(A, DestroyReason.DIRTY);
    assertEquals(2, warned(A).size(), warned(A).toString());
    assertEquals(1, warned(B).size(), warned(B).toString());
  }

  @Test
  void ordinaryDestroysAreNotWarned() {
    for (DestroyReason r : DestroyReason.values()) {
      if (r != DestroyReason.INCOMPLETE_EXCHANGE && r != DestroyReason.DIRTY) {
        events.destroyed(A, r);
      }
    }
    assertEquals(List.of(), warned(A));
  }

  @Test
  void anEndpointThePoolForgotStartsAfresh() {
    events.destroyed(A, DestroyReason.DIRTY);
    events.destroyed(A, DestroyReason.DIRTY);
    events.endpointRemoved(A);
    events.destroyed(A, DestroyReason.DIRTY);
    assertEquals(2, warned(A).size(), warned(A).toString());
    assertTrue(!warned(A).get(1).contains("more like it"), warned(A).get(1));
  }
}
