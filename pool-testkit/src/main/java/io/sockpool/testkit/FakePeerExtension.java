package io.sockpool.testkit;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives each test a fresh {@link FakePeer} and closes it afterwards: the
 * set-up that test classes otherwise repeat by hand in {@code @BeforeEach} / {@code @AfterEach}.
 *
 * <p>Before each test, every non-static field of the test instance (and of its superclasses) whose
 * type is {@link FakePeer} or a subclass of it is set to a new instance made by that type's
 * no-argument constructor (a subclass chooses its protocol or adds accessors there). After each
 * test those peers are closed, so a test that failed leaves no socket or thread.
 *
 * <pre>{@code
 * @ExtendWith(FakePeerExtension.class)
 * class CheckoutTest {
 *   private FakePeer peer; // started before each test, closed after it
 *
 *   @Test
 *   void servesAPing() { ... peer.port() ... }
 * }
 * }</pre>
 */
public final class FakePeerExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakePeerExtension.class);
  private static final String PEERS = "peers";

  /** Used by JUnit through {@code @ExtendWith(FakePeerExtension.class)}. */
  public FakePeerExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Object test = context.getRequiredTestInstance();
    List<FakePeer> started = new ArrayList<>();
    context.getStore(NAMESPACE).put(PEERS, started);
    for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || !FakePeer.class.isAssignableFrom(f.getType())) {
          continue;
        }
        FakePeer peer = newPeer(f.getType().asSubclass(FakePeer.class), f);
        started.add(peer);
        f.setAccessible(true);
        f.set(test, peer);
      }
    }
  }

  private static FakePeer newPeer(Class<? extends FakePeer> type, Field field) throws Exception {
    Constructor<? extends FakePeer> constructor;
    try {
      constructor = type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new ExtensionConfigurationException(
          "field "
              + field.getName()
              + ": "
              + type.getName()
              + " needs a constructor without arguments for FakePeerExtension",
          e);
    }
    constructor.setAccessible(true);
    return constructor.newInstance();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    List<FakePeer> started = context.getStore(NAMESPACE).remove(PEERS, List.class);
    if (started != null) {
      started.forEach(FakePeer::close);
    }
  }
}
