package io.sockpool.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a rejected {@code sockpool.*} value at startup with the property as written and what is
 * allowed, instead of a stack trace of bean creation.
 */
public class SockpoolFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPoolPropertyException> {

  /** Created by Spring Boot from {@code META-INF/spring.factories}. */
  public SockpoolFailureAnalyzer() {
    // nothing to set up
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidPoolPropertyException cause) {
    return new FailureAnalysis(
        "Invalid sockpool configuration: " + cause.getMessage(),
        "Update "
            + cause.property()
            + " in the application's configuration (application.properties or .yaml, environment"
            + " variables, command-line arguments) to a value the message allows.",
        cause);
  }
}
