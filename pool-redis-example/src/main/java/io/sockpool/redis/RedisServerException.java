package io.sockpool.redis;

import java.io.IOException;

/**
 * Redis answered a command with an error reply ({@code -ERR ...}, {@code -NOAUTH ...}, {@code
 * -WRONGPASS ...}). The connection itself is fine. The message holds the command's name and the
 * server's text, never the command's arguments.
 */
public class RedisServerException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String serverMessage;

  /**
   * @param command the command's name, e.g. {@code AUTH}
   * @param serverMessage the error line after the {@code -}, already free of secrets
   * @param context where, e.g. the endpoint
   */
  public RedisServerException(String command, String serverMessage, String context) {
    super(command + " failed on " + context + ": " + serverMessage);
    this.command = command;
    this.serverMessage = serverMessage;
  }

  /** Returns the command's name. */
  public String command() {
    return command;
  }

  /** Returns the server's error line, e.g. {@code NOAUTH Authentication required.}. */
  public String serverMessage() {
    return serverMessage;
  }

  /** Returns the first word of the server's message, e.g. {@code ERR}, {@code WRONGPASS}. */
  public String code() {
    int space = serverMessage.indexOf(' ');
    return space < 0 ? serverMessage : serverMessage.substring(0, space);
  }
}
