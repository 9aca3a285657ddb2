package io.sockpool.internal.queue;

/**
 * What a parked caller was handed by {@link Waiters}: {@linkplain #nothing() nothing} (yet), a
 * {@linkplain Slot slot} (the capacity of a destroyed connection: open one with it), a clean
 * {@linkplain Channel channel}, or a {@linkplain Failed failure} (the peer failed the connect the
 * caller was queued behind, and no capacity remains to try again within its deadline). The two
 * cases without a payload are shared singletons, so handing over a slot or waking a caller
 * allocates nothing.
 *
 * @param <C> the type of the connection handed over
 */
public sealed interface Handoff<C>
    permits Handoff.Nothing, Handoff.Slot, Handoff.Channel, Handoff.Failed {

  /**
   * Returns the hand-off that carries nothing (a shared instance).
   *
   * @param <C> the type of the connection
   */
  @SuppressWarnings("unchecked") // carries no C: one instance serves every C
  public static <C> Handoff<C> nothing() {
    return (Handoff<C>) Nothing.INSTANCE;
  }

  /**
   * Returns the hand-off of a slot (a shared instance).
   *
   * @param <C> the type of the connection
   */
  @SuppressWarnings("unchecked") // carries no C: one instance serves every C
  public static <C> Handoff<C> slot() {
    return (Handoff<C>) Slot.INSTANCE;
  }

  /** Nothing was handed over. */
  @SuppressWarnings("rawtypes")
  public enum Nothing implements Handoff {
    /** The only instance. */
    INSTANCE
  }

  /** A reservation was handed over: the receiver opens a connection with it. */
  @SuppressWarnings("rawtypes")
  public enum Slot implements Handoff {
    /** The only instance. */
    INSTANCE
  }

  /**
   * A clean connection was handed over; the receiver owns it.
   *
   * @param channel the connection
   * @param <C> its type
   */
  public record Channel<C>(C channel) implements Handoff<C> {}

  /**
   * The caller is failed at once: the peer failed a connect or validation it was queued behind, and
   * no capacity remains for it to try again within its deadline.
   *
   * @param cause the peer's failure
   * @param <C> the type of the connection
   */
  public record Failed<C>(Throwable cause) implements Handoff<C> {}
}
