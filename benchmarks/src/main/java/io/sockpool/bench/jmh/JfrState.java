package io.sockpool.bench.jmh;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JFR state of the benchmark's JVM (each value is its own JMH fork): {@code off} no recording
 * (JFR never initialized, the default); {@code recording} a recording running with every {@code
 * io.sockpool} event disabled (their default: what a service running JFR continuously has); {@code
 * events} a recording with the four {@code io.sockpool} events enabled at their default thresholds
 * (Checkout 20 ms, the others every one). No JDK event is enabled in either recording, so the
 * difference is sockpool's events alone.
 */
@State(Scope.Benchmark)
public class JfrState {
  /** The names of sockpool's events. */
  static final List<String> EVENTS =
      List.of(
          "io.sockpool.Checkout",
          "io.sockpool.Connect",
          "io.sockpool.Destroy",
          "io.sockpool.BreakerTransition");

  /** {@code off}, {@code recording} or {@code events}. */
  @Param({"off", "recording", "events"})
  public String jfr;

  private Recording recording;

  /** Starts the recording the mode asks for, and checks that JFR is in the state it names. */
  @Setup(Level.Trial)
  public void setUp() {
    if (jfr.equals("off")) {
      if (FlightRecorder.isInitialized()) {
        throw new IllegalStateException("jfr=off, but JFR is initialized in this JVM");
      }
      return;
    }
    Map<String, String> settings = new HashMap<>();
    if (jfr.equals("events")) {
      for (String e : EVENTS) {
        settings.put(e + "#enabled", "true"); // thresholds: the events' own defaults
      }
    } else if (!jfr.equals("recording")) {
      throw new IllegalArgumentException(
          "jfr must be off, recording or events, but was '" + jfr + "'");
    }
    recording = new Recording(settings);
    recording.setToDisk(false);
    recording.start();
  }

  /** Whether the checkout event is enabled in this JVM right now. */
  static boolean checkoutEnabled() {
    for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
      if (t.getName().equals("io.sockpool.Checkout")) {
        return t.isEnabled();
      }
    }
    return false;
  }

  /**
   * Checks that the checkout event was in the state the mode names (the pool registers its event
   * types at its first checkout under JFR, so this is known only after the run), then stops the
   * recording.
   */
  @TearDown(Level.Trial)
  public void tearDown() {
    boolean enabled = checkoutEnabled();
    System.out.println("jfr=" + jfr + ": io.sockpool.Checkout was enabled: " + enabled);
    if (recording != null) {
      recording.close();
    }
    if (enabled != jfr.equals("events")) {
      throw new IllegalStateException(
          "jfr=" + jfr + " but io.sockpool.Checkout was " + (enabled ? "enabled" : "disabled"));
    }
  }
}
