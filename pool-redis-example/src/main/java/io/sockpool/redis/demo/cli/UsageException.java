package io.sockpool.redis.demo.cli;

/**
 * Bad command-line arguments. The message is one line for the user: what was wrong, with the value
 * given, and what is allowed. Commands print it and exit with code 2, never a stack trace.
 */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong and what is allowed, one line
   */
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
