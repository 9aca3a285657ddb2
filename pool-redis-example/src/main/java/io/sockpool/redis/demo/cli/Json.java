package io.sockpool.redis.demo.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;

/**
 * The demo's one JSON writer (Gson): a map of numbers, strings, booleans, nulls and nested maps as
 * one line, members in the map's order, null members kept. NaN and infinite numbers are refused,
 * since JSON has no such numbers: {@link #write} throws {@link IllegalArgumentException} naming the
 * value, and callers pass a finite number or null.
 */
public final class Json {
  private static final Gson GSON =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  /**
   * Writes a JSON object.
   *
   * @param members the object's members, in order (use a {@link java.util.LinkedHashMap})
   * @return the object as one line of JSON
   * @throws IllegalArgumentException if a number is NaN or infinite
   */
  public static String write(Map<String, ?> members) {
    return GSON.toJson(members);
  }
}
