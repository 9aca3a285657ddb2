package io.sockpool;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.sockpool.sizing.ConnectionCap;
import io.sockpool.sizing.ErlangC;
import io.sockpool.sizing.LiveSizing;
import io.sockpool.sizing.PoolSizing;
import io.sockpool.sizing.QueueEstimate;
import io.sockpool.sizing.SizingRequest;
import io.sockpool.sizing.TrafficSample;
import io.sockpool.testkit.FakePeer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Walks the public API's methods by reflection and passes null to each reference parameter in turn:
 * every one must throw {@link IllegalArgumentException} whose message starts with the parameter's
 * name (or, for a builder setter, the setting's name), as the README promises. A new public method
 * is covered without touching this test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NullArgumentsTest {
  /** Parameters documented to take null. */
  private static final Set<String> NULL_ALLOWED =
      Set.of("SizingRequest.Builder.cap(ConnectionCap)");

  private final FakePeer peer;
  private final Map<Class<?>, Supplier<Object>> samples;

  NullArgumentsTest() throws Exception {
    peer = new FakePeer();
    samples =
        Map.ofEntries(
            Map.entry(Endpoint.class, () -> TestSupport.endpoint(peer)),
            Map.entry(
                EndpointGroup.class,
                () -> EndpointGroup.of("null-args", List.of(TestSupport.endpoint(peer)))),
            Map.entry(Duration.class, () -> Duration.ofSeconds(1)),
            Map.entry(String.class, () -> "localhost"),
            Map.entry(PoolConfig.class, () -> PoolConfig.builder().build()),
            Map.entry(SocketPool.Operation.class, () -> (SocketPool.Operation<Object>) c -> null),
            Map.entry(PoolListener.class, () -> new PoolListener() {}),
            Map.entry(
                java.util.function.Function.class,
                () ->
                    (java.util.function.Function<Object, Object>)
                        c -> java.util.concurrent.CompletableFuture.completedFuture(null)),
            Map.entry(SocketOptions.class, SocketOptions::defaults),
            Map.entry(Validator.class, () -> Validator.NONE),
            Map.entry(ConnectionInitializer.class, () -> ConnectionInitializer.NONE),
            Map.entry(CircuitBreakerConfig.class, CircuitBreakerConfig::ofDefaults),
            Map.entry(AddressResolver.class, AddressResolver::system),
            Map.entry(
                SizingRequest.class,
                () ->
                    SizingRequest.builder()
                        .ratePerSecond(1)
                        .latency(Duration.ofMillis(10))
                        .build()),
            Map.entry(ConnectionCap.class, () -> ConnectionCap.of(10, 1)),
            Map.entry(TrafficSample.class, () -> TrafficSample.EMPTY),
            Map.entry(
                TlsConfig.class,
                () -> TlsConfig.builder().verification(TlsVerification.INSECURE).build()),
            Map.entry(TlsVerification.class, () -> TlsVerification.FULL),
            Map.entry(java.nio.file.Path.class, () -> java.nio.file.Path.of("/tmp/none.sock")),
            Map.entry(java.security.KeyStore.class, NullArgumentsTest::emptyKeyStore),
            Map.entry(javax.net.ssl.SSLContext.class, NullArgumentsTest::defaultContext),
            Map.entry(Supplier.class, () -> (Supplier<Object>) () -> null),
            Map.entry(char[].class, () -> new char[0]),
            Map.entry(String[].class, () -> new String[] {"TLSv1.3"}),
            Map.entry(int.class, () -> 1),
            Map.entry(long.class, () -> 1L),
            Map.entry(double.class, () -> 0.5),
            Map.entry(boolean.class, () -> false));
  }

  @Test
  void everyNullArgumentOfThePublicApiIsAnIllegalArgumentNamingTheParameter() throws Exception {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    try (SocketPool pool = SocketPool.create(PoolConfig.builder().poolName("nulls").build())) {
      QueueEstimate estimate = ErlangC.evaluate(100, Duration.ofMillis(10), 4);
      Map<Class<?>, Supplier<Object>> receivers =
          new java.util.HashMap<>(
              Map.of(
                  SocketPool.class, () -> pool,
                  PoolConfig.Builder.class, PoolConfig::builder,
                  Endpoint.class, () -> Endpoint.of("localhost", 1),
                  PoolSizing.class, () -> null,
                  SizingRequest.Builder.class, SizingRequest::builder,
                  ErlangC.class, () -> null,
                  LiveSizing.class, () -> null,
                  ConnectionCap.class, () -> ConnectionCap.of(10, 1),
                  QueueEstimate.class, () -> estimate));
      receivers.put(TlsConfig.Builder.class, TlsConfig::builder);
      for (Map.Entry<Class<?>, Supplier<Object>> type : receivers.entrySet()) {
        for (Method m : type.getKey().getDeclaredMethods()) {
          if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || isObjectMethod(m)) {
            continue;
          }
          Parameter[] ps = m.getParameters();
          for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType().isPrimitive() || NULL_ALLOWED.contains(signature(m))) {
              continue;
            }
            assertTrue(ps[i].isNamePresent(), "compiled with -parameters: " + m);
            checked++;
            String problem = nullAt(m, i, type.getValue());
            if (problem != null) {
              wrong.add(signature(m) + " with null " + ps[i].getName() + ": " + problem);
            }
          }
        }
      }
    } finally {
      peer.close();
    }
    assertTrue(checked > 40, "walked " + checked + " parameters");
    if (!wrong.isEmpty()) {
      fail(wrong.size() + " of " + checked + " null arguments:\n  " + String.join("\n  ", wrong));
    }
  }

  private String nullAt(Method m, int index, Supplier<Object> receiver) throws Exception {
    Parameter[] ps = m.getParameters();
    Object[] args = new Object[ps.length];
    for (int i = 0; i < ps.length; i++) {
      if (i != index) {
        Supplier<Object> sample = samples.get(ps[i].getType());
        if (sample == null) {
          return "the test has no sample value of " + ps[i].getType().getName() + ": add one";
        }
        args[i] = sample.get();
      }
    }
    Object target = Modifier.isStatic(m.getModifiers()) ? null : receiver.get();
    try {
      m.invoke(target, args);
      return "accepted";
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (!(t instanceof IllegalArgumentException)) {
        return "threw " + t;
      }
      String message = String.valueOf(t.getMessage());
      String name = ps[index].getName();
      // a builder setter's parameter is the setting: named by the setter's name
      boolean named = message.startsWith(name + " ") || message.startsWith(m.getName() + " ");
      return named ? null : "message does not start with '" + name + "': " + message;
    }
  }

  private static Object emptyKeyStore() {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      return ks;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object defaultContext() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static String signature(Method m) {
    StringBuilder s = new StringBuilder();
    Class<?> owner = m.getDeclaringClass();
    if (owner.getEnclosingClass() != null) {
      s.append(owner.getEnclosingClass().getSimpleName()).append('.');
    }
    s.append(owner.getSimpleName()).append('.').append(m.getName()).append('(');
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return s.append(')').toString();
  }
}
