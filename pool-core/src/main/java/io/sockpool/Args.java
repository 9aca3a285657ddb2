package io.sockpool;

/** Argument checks of the public API: a null argument is an exception naming the parameter. */
final class Args {
  private Args() {}

  /**
   * @param value the argument
   * @param name the parameter's name
   * @param <T> its type
   * @return the argument
   * @throws IllegalArgumentException "{@code <name> must not be null}" if it is null
   */
  static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }
}
