package io.sockpool.spring.boot;

/**
 * A {@code sockpool.*} value that the pool rejects, with the message rewritten to name the
 * properties as written in the configuration ({@code sockpool.max-per-endpoint}), not the Java
 * fields. {@link SockpoolFailureAnalyzer} turns it into Spring Boot's startup failure report.
 */
public class InvalidPoolPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * @param property the property the message names first, as written ({@code sockpool.max-total})
   * @param message what is wrong and what is allowed, naming properties as written
   * @param cause the pool's own exception
   */
  public InvalidPoolPropertyException(
      String property, String message, IllegalArgumentException cause) {
    super(message, cause);
    this.property = property;
  }

  /**
   * @return the property the message names first, as written ({@code sockpool.max-total})
   */
  public String property() {
    return property;
  }
}
