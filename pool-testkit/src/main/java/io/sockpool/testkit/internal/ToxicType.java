package io.sockpool.testkit.internal;

import java.util.List;

/** The toxic types Toxiproxy 2.x registers, with their attribute names in Go struct order. */
enum ToxicType {
  LATENCY("latency", "LatencyToxic", "latency", "jitter"),
  BANDWIDTH("bandwidth", "BandwidthToxic", "rate"),
  SLOW_CLOSE("slow_close", "SlowCloseToxic", "delay"),
  TIMEOUT("timeout", "TimeoutToxic", "timeout"),
  RESET_PEER("reset_peer", "ResetToxic", "timeout"),
  SLICER("slicer", "SlicerToxic", "average_size", "size_variation", "delay"),
  LIMIT_DATA("limit_data", "LimitDataToxic", "bytes"),
  NOOP("noop", "NoopToxic");

  private final String wireName;
  private final String goStruct;

  // List.of: unmodifiable, which the checker cannot see (it knows Guava's immutable types)
  @SuppressWarnings("ImmutableEnumChecker")
  private final List<String> attributes;

  ToxicType(String wireName, String goStruct, String... attributes) {
    this.wireName = wireName;
    this.goStruct = goStruct;
    this.attributes = List.of(attributes);
  }

  /** Returns the name used in JSON, e.g. {@code slow_close}. */
  String wireName() {
    return wireName;
  }

  /** Returns the Go struct name, used in error messages like Toxiproxy's. */
  String goStruct() {
    return goStruct;
  }

  /** Returns the attribute names in the order Toxiproxy prints them. */
  List<String> attributes() {
    return attributes;
  }

  /** Returns the type with this exact (case-sensitive) wire name, or null. */
  static ToxicType byWireName(String name) {
    for (ToxicType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
