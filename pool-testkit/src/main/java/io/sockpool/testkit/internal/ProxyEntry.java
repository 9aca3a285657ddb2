package io.sockpool.testkit.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One proxy as the API sees it (Go's Proxy plus its ToxicCollection). Guarded by the {@link
 * ProxyRegistry} lock; every change to the data path goes through the event loop.
 */
final class ProxyEntry {
  final String name;

  /** As Toxiproxy stores it: as given until started, then the bound address. */
  String listen;

  String upstream;
  boolean enabled;
  final List<ToxicDef> upToxics = new ArrayList<>();
  final List<ToxicDef> downToxics = new ArrayList<>();
  private final EventLoop loop;
  private final ProxyRuntime runtime;

  ProxyEntry(EventLoop loop, String name, String listen, String upstream) {
    this.loop = loop;
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    this.runtime = new ProxyRuntime(loop, name, upstream);
  }

  /** Go's Proxy.start: binds listen; the stored listen becomes the bound address. */
  void start() throws ApiException {
    if (enabled) {
      return;
    }
    Addresses.Resolved addr;
    try {
      addr = Addresses.resolve(listen);
    } catch (ApiException e) {
      throw new ApiException(500, "listen tcp: " + e.getMessage());
    }
    String text = listen;
    int port =
        loopCall(
            () -> {
              runtime.setUpstream(upstream);
              return runtime.start(addr, text);
            });
    listen = addr.boundText(port);
    enabled = true;
  }

  /** Go's Proxy.stop: closes the listener and every connection. */
  void stop() {
    if (!enabled) {
      return;
    }
    try {
      loopCall(
          () -> {
            runtime.stop();
            return null;
          });
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
    enabled = false;
  }

  /** Go's Proxy.Differs: stored listen vs the resolved new one, or another upstream. */
  boolean differs(String newListen, String newUpstream) throws ApiException {
    String resolved = Addresses.resolve(newListen).text();
    return !listen.equals(resolved) || !upstream.equals(newUpstream);
  }

  List<ToxicDef> toxics(boolean upstreamDirection) {
    return upstreamDirection ? upToxics : downToxics;
  }

  /** All toxics: upstream ones first, each direction in creation order. */
  List<ToxicDef> allToxics() {
    List<ToxicDef> all = new ArrayList<>(upToxics);
    all.addAll(downToxics);
    return all;
  }

  ToxicDef findToxic(String toxicName) {
    for (ToxicDef d : allToxics()) {
      if (d.name().equals(toxicName)) {
        return d;
      }
    }
    return null;
  }

  void addToxic(ToxicDef def) {
    List<ToxicDef> list = toxics(def.upstream());
    list.add(def);
    // Go restarts the stub before the new toxic so it feeds the new one.
    pushChain(def.upstream(), list.size() - 2, false);
  }

  void replaceToxic(ToxicDef old, ToxicDef updated) {
    List<ToxicDef> list = toxics(old.upstream());
    list.set(list.indexOf(old), updated);
    pushChain(old.upstream(), list.size(), false);
  }

  void removeToxic(ToxicDef def) {
    List<ToxicDef> list = toxics(def.upstream());
    int idx = list.indexOf(def);
    list.remove(idx);
    pushChain(def.upstream(), idx - 1, def.type() == ToxicType.TIMEOUT);
  }

  private void pushChain(boolean upstreamDirection, int restartIndex, boolean closeLinks) {
    ToxicDef[] chain = toxics(upstreamDirection).toArray(new ToxicDef[0]);
    int restart = restartIndex < 0 ? chain.length : restartIndex;
    try {
      loopCall(
          () -> {
            runtime.setChain(upstreamDirection, chain, restart, closeLinks);
            return null;
          });
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets the upstream the next accepted connections dial. */
  void setUpstream(String newUpstream) {
    upstream = newUpstream;
    try {
      loopCall(
          () -> {
            runtime.setUpstream(newUpstream);
            return null;
          });
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  int liveConnections() {
    try {
      return loopCall(runtime::connectionCount);
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T loopCall(EventLoop.IoCallable<T> work) throws ApiException {
    try {
      return loop.call(work);
    } catch (IOException e) {
      throw new ApiException(500, e.getMessage());
    }
  }
}
