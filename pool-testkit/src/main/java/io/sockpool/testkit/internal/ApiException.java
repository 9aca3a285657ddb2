package io.sockpool.testkit.internal;

/** An API failure with the HTTP status and the message Toxiproxy would answer with. */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param status the HTTP status code, e.g. 404
   * @param message the error text put into the {@code "error"} field
   */
  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** Returns the HTTP status code of this error. */
  public int status() {
    return status;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, "bad request body: " + detail);
  }

  static ApiException missingField(String detail) {
    return new ApiException(400, "missing required field: " + detail);
  }

  static ApiException proxyNotFound() {
    return new ApiException(404, "proxy not found");
  }

  static ApiException toxicNotFound() {
    return new ApiException(404, "toxic not found");
  }
}
