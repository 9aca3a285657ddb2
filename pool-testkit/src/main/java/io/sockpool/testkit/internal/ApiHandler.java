package io.sockpool.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Toxiproxy's HTTP API (gorilla/mux rules: one path segment per name, 404 text for unknown
 * paths, 405 without body for a wrong method) to the {@link ProxyRegistry}.
 */
final class ApiHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  /** The Toxiproxy version whose API this server reproduces. */
  static final String VERSION = "2.12.0";

  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final ProxyRegistry registry;

  ApiHandler(ProxyRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String ua = ex.getRequestHeaders().getFirst("User-Agent");
      if (ua != null && ua.startsWith("Mozilla/")) {
        send(ex, 403, TEXT, "User agent not allowed\n");
        return;
      }
      route(ex);
    } catch (RuntimeException e) {
      LOG.error("API request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      throw e;
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    String[] seg =
        path.length() > 1 && path.startsWith("/")
            ? path.substring(1).split("/", -1)
            : new String[0];
    for (String s : seg) {
      if (s.isEmpty()) {
        notFound(ex);
        return;
      }
    }
    try {
      if (seg.length == 1) {
        switch (seg[0]) {
          case "version" -> {
            if (allow(ex, method, "GET")) {
              send(
                  ex,
                  200,
                  "application/json;charset=utf-8",
                  "{\"version\": \"" + VERSION + "\"}\n");
            }
          }
          case "proxies" -> {
            if ("GET".equals(method)) {
              send(ex, 200, JSON, ApiJson.proxyMap(registry.snapshot()));
            } else if (allow(ex, method, "POST")) {
              send(ex, 201, JSON, ApiJson.proxy(registry.create(GoJson.parse(body(ex)))));
            }
          }
          case "populate" -> {
            if (allow(ex, method, "POST")) {
              populate(ex);
            }
          }
          case "reset" -> {
            if (allow(ex, method, "POST")) {
              body(ex);
              registry.reset();
              noContent(ex);
            }
          }
          default -> notFound(ex);
        }
      } else if (seg.length == 2 && seg[0].equals("proxies")) {
        proxyRoute(ex, method, seg[1]);
      } else if (seg.length == 3 && seg[0].equals("proxies") && seg[2].equals("toxics")) {
        if ("GET".equals(method)) {
          send(ex, 200, JSON, ApiJson.toxics(registry.toxics(seg[1])));
        } else if (allow(ex, method, "POST")) {
          String body = body(ex);
          registry.get(seg[1]);
          send(ex, 200, JSON, ApiJson.toxic(registry.addToxic(seg[1], GoJson.parse(body))));
        }
      } else if (seg.length == 4 && seg[0].equals("proxies") && seg[2].equals("toxics")) {
        toxicRoute(ex, method, seg[1], seg[3]);
      } else {
        notFound(ex);
      }
    } catch (ApiException e) {
      send(ex, e.status(), TEXT, ApiJson.error(e.status(), e.getMessage()));
    }
  }

  private void proxyRoute(HttpExchange ex, String method, String name)
      throws IOException, ApiException {
    switch (method) {
      case "GET" -> send(ex, 200, JSON, ApiJson.proxy(registry.get(name)));
      case "POST", "PATCH" -> {
        String body = body(ex);
        registry.get(name);
        send(ex, 200, JSON, ApiJson.proxy(registry.update(name, GoJson.parse(body))));
      }
      case "DELETE" -> {
        registry.delete(name);
        noContent(ex);
      }
      default -> methodNotAllowed(ex);
    }
  }

  private void toxicRoute(HttpExchange ex, String method, String proxy, String toxic)
      throws IOException, ApiException {
    switch (method) {
      case "GET" -> send(ex, 200, JSON, ApiJson.toxic(registry.toxic(proxy, toxic)));
      case "POST", "PATCH" -> {
        String body = body(ex);
        registry.toxic(proxy, toxic);
        send(ex, 200, JSON, ApiJson.toxic(registry.updateToxic(proxy, toxic, GoJson.parse(body))));
      }
      case "DELETE" -> {
        registry.removeToxic(proxy, toxic);
        noContent(ex);
      }
      default -> methodNotAllowed(ex);
    }
  }

  private void populate(HttpExchange ex) throws IOException {
    ProxyRegistry.PopulateResult r;
    try {
      r = registry.populate(GoJson.parse(body(ex)));
    } catch (ApiException e) {
      r = new ProxyRegistry.PopulateResult(List.of(), e);
    }
    int status = r.error() == null ? 201 : r.error().status();
    send(ex, status, JSON, ApiJson.populate(r.proxies(), r.error()));
  }

  private static boolean allow(HttpExchange ex, String method, String allowed) throws IOException {
    if (allowed.equals(method)) {
      return true;
    }
    methodNotAllowed(ex);
    return false;
  }

  private static String body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void notFound(HttpExchange ex) throws IOException {
    send(ex, 404, TEXT, "404 page not found\n");
  }

  private static void methodNotAllowed(HttpExchange ex) throws IOException {
    ex.sendResponseHeaders(405, -1);
  }

  private static void noContent(HttpExchange ex) throws IOException {
    ex.sendResponseHeaders(204, -1);
  }

  private static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    if (contentType.startsWith("text/plain") && status >= 400) {
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
