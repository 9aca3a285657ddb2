package io.sockpool.redis.demo.cli;

/**
 * Writes one flat JSON object (RFC 8259) on one line: string, number, boolean and null members,
 * in the order they are added. Not thread-safe.
 */
public final class JsonObject {
  private final StringBuilder text = new StringBuilder("{");

  /**
   * @param name the member's name
   * @param value the value; null writes {@code null}
   * @return this
   */
  public JsonObject put(String name, String value) {
    name(name);
    if (value == null) {
      text.append("null");
    } else {
      quote(value);
    }
    return this;
  }

  /**
   * @param name the member's name
   * @param value a finite number
   * @return this
   * @throws IllegalArgumentException if the value is NaN or infinite (JSON has no such numbers)
   */
  public JsonObject put(String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "JSON member " + name + " must be a finite number, but was " + value);
    }
    name(name);
    text.append(value);
    return this;
  }

  /**
   * @param name the member's name
   * @param value the value
   * @return this
   */
  public JsonObject put(String name, long value) {
    name(name);
    text.append(value);
    return this;
  }

  /**
   * @param name the member's name
   * @param value the value
   * @return this
   */
  public JsonObject put(String name, boolean value) {
    name(name);
    text.append(value);
    return this;
  }

  /** @return the object's text, one line */
  @Override
  public String toString() {
    return text + "}";
  }

  private void name(String name) {
    if (text.length() > 1) {
      text.append(',');
    }
    quote(name);
    text.append(':');
  }

  private void quote(String s) {
    text.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> {
          if (c < 0x20) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    text.append('"');
  }
}
