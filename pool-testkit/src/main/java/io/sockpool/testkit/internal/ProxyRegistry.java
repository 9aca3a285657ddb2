package io.sockpool.testkit.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * All proxies and the operations of the Toxiproxy API on them, with Toxiproxy's validation order,
 * status codes and messages. Thread-safe: one lock serialises API calls (as Go's collection lock).
 */
public final class ProxyRegistry {
  private final EventLoop loop;
  private final Map<String, ProxyEntry> proxies = new TreeMap<>();

  ProxyRegistry(EventLoop loop) {
    this.loop = loop;
  }

  /** A request to create a proxy (POST /proxies or one entry of POST /populate). */
  record ProxyInput(String name, String listen, String upstream, boolean enabled) {}

  synchronized List<ProxyEntry> all() {
    return new ArrayList<>(proxies.values());
  }

  synchronized ProxyEntry get(String name) throws ApiException {
    ProxyEntry p = proxies.get(name);
    if (p == null) {
      throw ApiException.proxyNotFound();
    }
    return p;
  }

  static ProxyInput parseProxyInput(JsonObject o, String goStruct) throws ApiException {
    String name = GoJson.string(o, "name", goStruct);
    String listen = GoJson.string(o, "listen", goStruct);
    String upstream = GoJson.string(o, "upstream", goStruct);
    Boolean enabled = GoJson.bool(o, "enabled", goStruct);
    return new ProxyInput(
        name == null ? "" : name,
        listen == null ? "" : listen,
        upstream == null ? "" : upstream,
        enabled == null || enabled);
  }

  /** POST /proxies. */
  synchronized ProxyEntry create(JsonElement body) throws ApiException {
    ProxyInput in = parseProxyInput(GoJson.object(body, "main.Proxy"), "Proxy");
    if (in.name().isEmpty()) {
      throw ApiException.missingField("name");
    }
    if (in.upstream().isEmpty()) {
      throw ApiException.missingField("upstream");
    }
    if (proxies.containsKey(in.name())) {
      throw new ApiException(409, "proxy already exists");
    }
    ProxyEntry p = new ProxyEntry(loop, in.name(), in.listen(), in.upstream());
    if (in.enabled()) {
      p.start();
    }
    proxies.put(p.name, p);
    return p;
  }

  /** POST/PATCH /proxies/{name}: Go's Proxy.Update. */
  synchronized ProxyEntry update(String name, JsonElement body) throws ApiException {
    ProxyEntry p = get(name);
    JsonObject o = GoJson.object(body, "main.Proxy");
    String listen = GoJson.string(o, "listen", "Proxy");
    String upstream = GoJson.string(o, "upstream", "Proxy");
    Boolean enabled = GoJson.bool(o, "enabled", "Proxy");
    String newListen = listen == null ? p.listen : listen;
    String newUpstream = upstream == null ? p.upstream : upstream;
    boolean newEnabled = enabled == null ? p.enabled : enabled;
    if (p.differs(newListen, newUpstream)) {
      p.stop();
      p.listen = newListen;
      p.setUpstream(newUpstream);
    }
    if (newEnabled != p.enabled) {
      if (newEnabled) {
        p.start();
      } else {
        p.stop();
      }
    }
    return p;
  }

  /** DELETE /proxies/{name}. */
  synchronized void delete(String name) throws ApiException {
    ProxyEntry p = get(name);
    p.stop();
    proxies.remove(name);
  }

  /** The result of POST /populate: the proxies handled, and the error that stopped it, if any. */
  record PopulateResult(List<ProxyEntry> proxies, ApiException error) {}

  /** POST /populate: validates every entry, then adds or replaces them in order. */
  synchronized PopulateResult populate(JsonElement body) throws ApiException {
    JsonArray arr = GoJson.array(body, "[]struct { proxy.Proxy; Enabled *bool }");
    List<ProxyInput> inputs = new ArrayList<>();
    for (JsonElement e : arr) {
      inputs.add(parseProxyInput(GoJson.object(e, "main.Proxy"), "Proxy"));
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).name().isEmpty()) {
        throw ApiException.missingField("name at proxy " + (i + 1));
      }
      if (inputs.get(i).upstream().isEmpty()) {
        throw ApiException.missingField("upstream at proxy " + (i + 1));
      }
    }
    List<ProxyEntry> done = new ArrayList<>();
    for (ProxyInput in : inputs) {
      try {
        done.add(addOrReplace(in));
      } catch (ApiException e) {
        return new PopulateResult(done, e);
      }
    }
    return new PopulateResult(done, null);
  }

  private ProxyEntry addOrReplace(ProxyInput in) throws ApiException {
    ProxyEntry existing = proxies.get(in.name());
    if (existing != null) {
      if (!existing.differs(in.listen(), in.upstream())) {
        return existing;
      }
      existing.stop();
    }
    ProxyEntry p = new ProxyEntry(loop, in.name(), in.listen(), in.upstream());
    if (in.enabled()) {
      p.start();
    }
    proxies.put(p.name, p);
    return p;
  }

  /** POST /reset: enable every proxy and remove all toxics. */
  synchronized void reset() throws ApiException {
    for (ProxyEntry p : proxies.values()) {
      p.start();
      for (ToxicDef d : p.allToxics()) {
        p.removeToxic(d);
      }
    }
  }

  /** POST /proxies/{name}/toxics: Go's AddToxicJson. */
  synchronized ToxicDef addToxic(String proxyName, JsonElement body) throws ApiException {
    ProxyEntry p = get(proxyName);
    JsonObject o = GoJson.object(body, "toxics.ToxicWrapper");
    String name = GoJson.string(o, "name", "ToxicWrapper");
    String typeName = GoJson.string(o, "type", "ToxicWrapper");
    String stream = GoJson.string(o, "stream", "ToxicWrapper");
    Float toxicity = GoJson.float32(o, "toxicity", "ToxicWrapper");
    JsonObject attrs = GoJson.subObject(o, "attributes", "ToxicWrapper", "toxics.Toxic");
    if (stream == null) {
      stream = "downstream";
    }
    boolean upstream;
    switch (stream.toLowerCase(Locale.ROOT)) {
      case "upstream" -> upstream = true;
      case "downstream" -> upstream = false;
      default ->
          throw new ApiException(400, "stream was invalid, can be either upstream or downstream");
    }
    ToxicType type = typeName == null ? null : ToxicType.byWireName(typeName);
    if (name == null || name.isEmpty()) {
      name = (typeName == null ? "" : typeName) + "_" + stream;
    }
    if (type == null) {
      throw new ApiException(400, "invalid toxic type");
    }
    if (p.findToxic(name) != null) {
      throw new ApiException(409, "toxic already exists");
    }
    long[] values = parseAttributes(type, attrs, new long[type.attributes().size()]);
    ToxicDef def =
        new ToxicDef(name, type, stream, upstream, toxicity == null ? 1.0f : toxicity, values);
    p.addToxic(def);
    return def;
  }

  /** POST/PATCH /proxies/{name}/toxics/{toxic}: merges attributes, optionally sets toxicity. */
  synchronized ToxicDef updateToxic(String proxyName, String toxicName, JsonElement body)
      throws ApiException {
    ProxyEntry p = get(proxyName);
    ToxicDef old = p.findToxic(toxicName);
    if (old == null) {
      throw ApiException.toxicNotFound();
    }
    JsonObject o = GoJson.object(body, "struct { Attributes interface {}; Toxicity float32 }");
    JsonObject attrs = GoJson.subObject(o, "attributes", "", "toxics." + old.type().goStruct());
    Float toxicity = GoJson.float32(o, "toxicity", "");
    long[] values = parseAttributes(old.type(), attrs, old.attributes());
    ToxicDef updated = old.with(values, toxicity == null ? old.toxicity() : toxicity);
    p.replaceToxic(old, updated);
    return updated;
  }

  /** DELETE /proxies/{name}/toxics/{toxic}. */
  synchronized void removeToxic(String proxyName, String toxicName) throws ApiException {
    ProxyEntry p = get(proxyName);
    ToxicDef d = p.findToxic(toxicName);
    if (d == null) {
      throw ApiException.toxicNotFound();
    }
    p.removeToxic(d);
  }

  synchronized List<ToxicDef> toxics(String proxyName) throws ApiException {
    return get(proxyName).allToxics();
  }

  synchronized ToxicDef toxic(String proxyName, String toxicName) throws ApiException {
    ToxicDef d = get(proxyName).findToxic(toxicName);
    if (d == null) {
      throw ApiException.toxicNotFound();
    }
    return d;
  }

  /** Decodes {@code attrs} over {@code base} (omitted keys keep their value). */
  private static long[] parseAttributes(ToxicType type, JsonObject attrs, long[] base)
      throws ApiException {
    long[] values = base.clone();
    if (attrs == null) {
      return checkAttributes(type, values);
    }
    List<String> names = type.attributes();
    for (int i = 0; i < names.size(); i++) {
      Long v = GoJson.int64(attrs, names.get(i), type.goStruct());
      if (v != null) {
        values[i] = v;
      }
    }
    return checkAttributes(type, values);
  }

  /** The one range check Toxiproxy lacks: a slicer with average_size 0 would never finish. */
  private static long[] checkAttributes(ToxicType type, long[] values) throws ApiException {
    if (type == ToxicType.SLICER && values[0] < 1) {
      throw ApiException.badRequest("slicer average_size must be >= 1, but was " + values[0]);
    }
    return values;
  }

  /** Stops every proxy (server shutdown). */
  synchronized void stopAll() {
    for (ProxyEntry p : proxies.values()) {
      p.stop();
    }
  }

  /** Live proxied connections of all proxies, for leak checks. */
  public synchronized int liveConnections() {
    int n = 0;
    for (ProxyEntry p : proxies.values()) {
      n += p.liveConnections();
    }
    return n;
  }

  synchronized Map<String, ProxyEntry> snapshot() {
    return new TreeMap<>(proxies);
  }
}
