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
  private final List<String> attributes;

  ToxicType(String wireName, String goStruct, String... attributes) {
    this.wireName = wireName;
    this.goStruct = goStruct;
    this.attributes = List.of(attributes);
  }

  /**
   * @return the name used in JSON, e.g. {@code slow_close}
   */
  String wireName() {
    return wireName;
  }

  /**
   * @return the Go struct name, used in error messages like Toxiproxy's
   */
  String goStruct() {
    return goStruct;
  }

  /**
   * @return the attribute names in the order Toxiproxy prints them
   */
  List<String> attributes() {
    return attributes;
  }

  /**
   * @return the type with this exact (case-sensitive) wire name, or null
   */
  static ToxicType byWireName(String name) {
    for (ToxicType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
