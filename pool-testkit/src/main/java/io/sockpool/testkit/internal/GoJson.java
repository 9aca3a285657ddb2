package io.sockpool.testkit.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads request bodies with the rules of Go's encoding/json as Toxiproxy uses it: the first JSON
 * value only, keys matched case-insensitively (last one wins), null leaves a field unchanged,
 * integers must be integral, and a type mismatch is a "bad request body" error naming the Go field.
 */
final class GoJson {
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

  private GoJson() {}

  /**
   * Parses the first JSON value of {@code body}.
   *
   * @throws ApiException 400 "bad request body: EOF" for an empty body, or with the parse error
   */
  static JsonElement parse(String body) throws ApiException {
    if (body.isBlank()) {
      throw ApiException.badRequest("EOF");
    }
    JsonReader r = new JsonReader(new StringReader(body));
    // RFC 8259 as Go reads it: no upper-case literals, no \' escape, no raw control characters
    r.setStrictness(Strictness.STRICT);
    try {
      if (r.peek() == JsonToken.END_DOCUMENT) {
        throw ApiException.badRequest("EOF");
      }
      return ELEMENT.read(r);
    } catch (IOException | RuntimeException e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.io.EOFException) {
        msg = "unexpected EOF";
      }
      throw ApiException.badRequest(msg);
    }
  }

  /** The body as a JSON object for a Go struct; {@code null} counts as an empty object. */
  static JsonObject object(JsonElement e, String goType) throws ApiException {
    if (e.isJsonNull()) {
      return new JsonObject();
    }
    if (!e.isJsonObject()) {
      throw ApiException.badRequest(
          "json: cannot unmarshal " + kind(e) + " into Go value of type " + goType);
    }
    return e.getAsJsonObject();
  }

  /** The body as a JSON array; {@code null} counts as empty. */
  static JsonArray array(JsonElement e, String goType) throws ApiException {
    if (e.isJsonNull()) {
      return new JsonArray();
    }
    if (!e.isJsonArray()) {
      throw ApiException.badRequest(
          "json: cannot unmarshal " + kind(e) + " into Go value of type " + goType);
    }
    return e.getAsJsonArray();
  }

  /** Go's field lookup: exact or case-insensitive key match, the last match wins; null = absent. */
  static JsonElement field(JsonObject o, String name) {
    JsonElement found = null;
    for (Map.Entry<String, JsonElement> en : o.entrySet()) {
      if (en.getKey().equalsIgnoreCase(name)) {
        found = en.getValue();
      }
    }
    return found == null || found.isJsonNull() ? null : found;
  }

  static String string(JsonObject o, String name, String goStruct) throws ApiException {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw mismatch(e, goStruct, name, "string");
    }
    return e.getAsString();
  }

  static Boolean bool(JsonObject o, String name, String goStruct) throws ApiException {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw mismatch(e, goStruct, name, "bool");
    }
    return e.getAsBoolean();
  }

  static Long int64(JsonObject o, String name, String goStruct) throws ApiException {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw mismatch(e, goStruct, name, "int64");
    }
    String text = e.getAsJsonPrimitive().getAsString();
    if (!INTEGER.matcher(text).matches()) {
      throw ApiException.badRequest(
          "json: cannot unmarshal number "
              + text
              + " into Go struct field "
              + goStruct
              + "."
              + name
              + " of type int64 (a whole number is required)");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException ex) {
      throw ApiException.badRequest(
          "json: cannot unmarshal number "
              + text
              + " into Go struct field "
              + goStruct
              + "."
              + name
              + " of type int64 (out of range)");
    }
  }

  static Float float32(JsonObject o, String name, String goStruct) throws ApiException {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw mismatch(e, goStruct, name, "float32");
    }
    String text = e.getAsJsonPrimitive().getAsString();
    float f = new BigDecimal(text).floatValue();
    if (Float.isInfinite(f)) {
      throw ApiException.badRequest(
          "json: cannot unmarshal number "
              + text
              + " into Go struct field "
              + goStruct
              + "."
              + name
              + " of type float32 (out of range)");
    }
    return f;
  }

  static JsonObject subObject(JsonObject o, String name, String goStruct, String goType)
      throws ApiException {
    JsonElement e = field(o, name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw mismatch(e, goStruct, name, goType);
    }
    return e.getAsJsonObject();
  }

  private static ApiException mismatch(
      JsonElement e, String goStruct, String field, String goType) {
    return ApiException.badRequest(
        "json: cannot unmarshal "
            + kind(e)
            + " into Go struct field "
            + goStruct
            + "."
            + field
            + " of type "
            + goType);
  }

  static String kind(JsonElement e) {
    if (e == null || e instanceof JsonNull) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "object";
    }
    if (e.isJsonArray()) {
      return "array";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return "bool";
    }
    return p.isNumber() ? "number" : "string";
  }

  /**
   * Prints a float32 the way Go's encoding/json does: shortest digits, no ".0", exponent form
   * ({@code 1e-07}) below 1e-6 and from 1e21.
   */
  static String formatFloat32(float f) {
    if (f == 0) {
      return "0";
    }
    BigDecimal bd = new BigDecimal(Float.toString(f)).stripTrailingZeros();
    double abs = Math.abs((double) f);
    if (abs >= 1e-6 && abs < 1e21) {
      return bd.toPlainString();
    }
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - bd.scale();
    StringBuilder sb = new StringBuilder();
    if (f < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exp < 0 ? '-' : '+');
    int e = Math.abs(exp);
    if (e < 10) {
      sb.append('0');
    }
    sb.append(e);
    return sb.toString();
  }
}
