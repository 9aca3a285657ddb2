package io.sockpool;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * What the pool logged while a test ran: a Logback {@link ListAppender} on the {@code io.sockpool}
 * logger (and its children), removed on {@link #close()}. Records from every thread are kept, so a
 * test filters them by what it owns (its endpoint, its pool's name).
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * @return a capture of everything logged under {@code io.sockpool} from now on
   */
  public static LogCapture start() {
    return new LogCapture((Logger) LoggerFactory.getLogger("io.sockpool"));
  }

  /**
   * @param level the level
   * @param containing text every returned message contains (an endpoint, a pool name)
   * @return the messages (formatted, with the exception's class and message appended) logged at
   *     that level that contain the text, in order
   */
  public List<String> messages(Level level, String containing) {
    // AppenderBase.doAppend holds the appender's lock while it appends
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(LogCapture::render)
          .filter(m -> m.contains(containing))
          .collect(Collectors.toList());
    }
  }

  private static String render(ILoggingEvent e) {
    IThrowableProxy t = e.getThrowableProxy();
    return t == null
        ? e.getFormattedMessage()
        : e.getFormattedMessage() + " | " + t.getClassName() + ": " + t.getMessage();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }

  /** The levels a test asserts on, re-exported so tests need no Logback import. */
  public static final Level WARN = Level.WARN;

  /** See {@link #WARN}. */
  public static final Level INFO = Level.INFO;
}
