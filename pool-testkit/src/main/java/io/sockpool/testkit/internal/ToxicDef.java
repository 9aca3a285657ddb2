package io.sockpool.testkit.internal;

import java.util.Arrays;

/**
 * One toxic as configured through the API; immutable, replaced as a whole on every update.
 *
 * @param name unique name within the proxy
 * @param type the toxic type
 * @param stream the stream text exactly as the client sent it (Toxiproxy echoes it)
 * @param upstream true for client-to-server bytes, false for server-to-client bytes
 * @param toxicity probability, drawn per connection, that the toxic is active
 * @param attributes values in {@link ToxicType#attributes()} order
 */
// the array is copied in and out (attributes()); Link compares definitions by identity
@SuppressWarnings("ArrayRecordComponent")
record ToxicDef(
    String name,
    ToxicType type,
    String stream,
    boolean upstream,
    float toxicity,
    long[] attributes) {

  ToxicDef {
    attributes = attributes.clone();
    if (attributes.length != type.attributes().size()) {
      throw new IllegalArgumentException(
          "toxic "
              + type.wireName()
              + " has "
              + type.attributes().size()
              + " attributes, but "
              + attributes.length
              + " were given");
    }
  }

  /** Returns the value of attribute {@code attr} (0 when the type has no such attribute). */
  long attr(String attr) {
    int i = type.attributes().indexOf(attr);
    return i < 0 ? 0 : attributes[i];
  }

  @Override
  public long[] attributes() {
    return attributes.clone();
  }

  ToxicDef with(long[] newAttributes, float newToxicity) {
    return new ToxicDef(name, type, stream, upstream, newToxicity, newAttributes);
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "ToxicDef["
        + name
        + ", "
        + type.wireName()
        + ", "
        + (upstream ? "upstream" : "downstream")
        + ", toxicity "
        + toxicity
        + ", "
        + Arrays.toString(attributes)
        + "]";
  }
}
