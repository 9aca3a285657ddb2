package io.sockpool.testkit.internal;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes proxies, toxics and errors with Toxiproxy's field order and types (compact, with Go's
 * escaping of {@code < > &}).
 */
final class ApiJson {

  private ApiJson() {}

  @FunctionalInterface
  private interface Body {
    void write(JsonWriter w) throws IOException;
  }

  private static String render(Body body) {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.setSerializeNulls(true);
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Go's encoder escapes exactly these three (they only occur inside strings).
    return out.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }

  static String proxy(ProxyEntry p) {
    return render(w -> writeProxy(w, p));
  }

  static String proxyMap(Map<String, ProxyEntry> proxies) {
    return render(
        w -> {
          w.beginObject();
          for (Map.Entry<String, ProxyEntry> e : proxies.entrySet()) {
            w.name(e.getKey());
            writeProxy(w, e.getValue());
          }
          w.endObject();
        });
  }

  static String toxic(ToxicDef t) {
    return render(w -> writeToxic(w, t));
  }

  static String toxics(List<ToxicDef> toxics) {
    return render(
        w -> {
          w.beginArray();
          for (ToxicDef t : toxics) {
            writeToxic(w, t);
          }
          w.endArray();
        });
  }

  /** POST /populate's answer: error and status only on failure; proxies null when empty. */
  static String populate(List<ProxyEntry> proxies, ApiException error) {
    return render(
        w -> {
          w.beginObject();
          if (error != null) {
            w.name("error").value(error.getMessage());
            w.name("status").value(error.status());
          }
          w.name("proxies");
          if (proxies.isEmpty()) {
            w.nullValue();
          } else {
            w.beginArray();
            for (ProxyEntry p : proxies) {
              writeProxy(w, p);
            }
            w.endArray();
          }
          w.endObject();
        });
  }

  /** Toxiproxy's error body, {@code {"error":"...","status":404}} plus a newline. */
  static String error(int status, String message) {
    return render(
            w -> {
              w.beginObject();
              w.name("error").value(message);
              w.name("status").value(status);
              w.endObject();
            })
        + "\n";
  }

  private static void writeProxy(JsonWriter w, ProxyEntry p) throws IOException {
    w.beginObject();
    w.name("name").value(p.name);
    w.name("listen").value(p.listen);
    w.name("upstream").value(p.upstream);
    w.name("enabled").value(p.enabled);
    w.name("Logger").beginObject().endObject();
    w.name("toxics").beginArray();
    for (ToxicDef t : p.allToxics()) {
      writeToxic(w, t);
    }
    w.endArray();
    w.endObject();
  }

  private static void writeToxic(JsonWriter w, ToxicDef t) throws IOException {
    w.beginObject();
    w.name("attributes").beginObject();
    List<String> names = t.type().attributes();
    long[] values = t.attributes();
    for (int i = 0; i < names.size(); i++) {
      w.name(names.get(i)).value(values[i]);
    }
    w.endObject();
    w.name("name").value(t.name());
    w.name("type").value(t.type().wireName());
    w.name("stream").value(t.stream());
    w.name("toxicity").jsonValue(GoJson.formatFloat32(t.toxicity()));
    w.endObject();
  }
}
