package dev.jlive.agent.probe;

import dev.jlive.protocol.event.ProbeEvent;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Writes log probe lines through the logging framework the application itself uses, found from the
 * probed class's loader: SLF4J, else Log4j 2, else {@code java.util.logging} if the application
 * configured it (a handler of its own, or a configuration file or class). The lines then land in
 * the application's log pipeline (files, shipping, alerting), under the logger name {@code
 * jlive.probe.<id>}. With none of these, the lines stay in jlive's own event stream ({@code jlive
 * tail}, the fleet, JFR): JUL's default root handler would print every line on the application's
 * stderr, which the agent must not write to.
 *
 * <p>The framework is looked up by reflection once per class loader (weakly keyed, cleared on stop,
 * so no application loader is pinned); jlive never bundles or configures one.
 */
final class ApplicationLoggers {
  /** A way to log one line at INFO to a named logger; each logger is looked up once. */
  private record Sink(
      String framework, Method getLogger, Method info, Map<String, Object> loggers) {
    Sink(String framework, Method getLogger, Method info) {
      this(framework, getLogger, info, new ConcurrentHashMap<>());
    }

    void write(String loggerName, String line) throws ReflectiveOperationException {
      if (getLogger == null) {
        return;
      }
      Object logger = loggers.get(loggerName);
      if (logger == null) {
        logger = getLogger.invoke(null, loggerName);
        loggers.put(loggerName, logger);
      }
      info.invoke(logger, line);
    }
  }

  /**
   * Made on first use, not with the class: {@code ApplicationLoggers} is made when the agent
   * starts, and looking up JUL's methods loads {@code java.util.logging} into the application's JVM
   * on the way to ready, where only a log probe that finds JUL configured needs it.
   */
  private static final class Jul {
    static final Sink SINK = julSink();
  }

  private static final Sink EVENT_STREAM_ONLY =
      new Sink(
          "jlive's event stream only (no logging framework or "
              + "java.util.logging handler of the application's)",
          null,
          null);

  private final Map<ClassLoader, Sink> sinks = Collections.synchronizedMap(new WeakHashMap<>());
  private volatile Sink bootSink;
  private final System.Logger log;

  ApplicationLoggers(System.Logger log) {
    this.log = log;
  }

  void write(ProbeSite site, ProbeEvent event) {
    Sink sink =
        site.loader() == null ? bootSink() : sinks.computeIfAbsent(site.loader(), this::find);
    try {
      sink.write(
          site.probe().loggerName,
          "[jlive "
              + event.probe()
              + "] "
              + event.method()
              + " "
              + event.point()
              + ": "
              + event.message());
    } catch (ReflectiveOperationException | RuntimeException e) {
      // The event stays in jlive's own log; the application's logger refused it.
      throw new IllegalStateException(
          "the application's logger (" + sink.framework() + ") failed: " + e, e);
    }
  }

  void clear() {
    sinks.clear();
    bootSink = null;
  }

  /** For classes of the boot loader, which sees no framework: decided once, like a loader's. */
  private Sink bootSink() {
    Sink sink = bootSink;
    if (sink == null) {
      sink = julIfConfigured();
      bootSink = sink;
    }
    return sink;
  }

  private Sink find(ClassLoader loader) {
    Sink sink = tryFramework(loader, "slf4j", "org.slf4j.LoggerFactory", "org.slf4j.Logger");
    if (sink == null) {
      sink =
          tryFramework(
              loader,
              "log4j2",
              "org.apache.logging.log4j.LogManager",
              "org.apache.logging.log4j.Logger");
    }
    if (sink == null) {
      sink = julIfConfigured();
    }
    log.log(
        System.Logger.Level.INFO,
        "log probes in classes of {0} write to {1}",
        loader,
        sink.framework());
    return sink;
  }

  private static Sink julIfConfigured() {
    return julConfigured() ? Jul.SINK : EVENT_STREAM_ONLY;
  }

  /**
   * Whether the application set up {@code java.util.logging} itself: a configuration file or class
   * named on the command line, a handler on any logger but the root, or a root handler other than
   * the default {@code ConsoleHandler} with its default formatter.
   */
  static boolean julConfigured() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return true;
    }
    LogManager manager = LogManager.getLogManager();
    for (Enumeration<String> names = manager.getLoggerNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      Logger logger = manager.getLogger(name);
      if (logger == null) {
        continue;
      }
      Handler[] handlers = logger.getHandlers();
      boolean onlyTheDefault =
          name.isEmpty() && handlers.length == 1 && isDefaultConsole(handlers[0]);
      if (handlers.length > 0 && !onlyTheDefault) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDefaultConsole(Handler handler) {
    return handler.getClass() == ConsoleHandler.class
        && handler.getFormatter() != null
        && handler.getFormatter().getClass() == SimpleFormatter.class;
  }

  private static Sink tryFramework(
      ClassLoader loader, String name, String factoryClass, String loggerClass) {
    try {
      Class<?> factory = Class.forName(factoryClass, false, loader);
      Class<?> logger = Class.forName(loggerClass, false, loader);
      return new Sink(
          name,
          factory.getMethod("getLogger", String.class),
          logger.getMethod("info", String.class));
    } catch (ReflectiveOperationException | LinkageError absent) {
      return null;
    }
  }

  private static Sink julSink() {
    try {
      return new Sink(
          "java.util.logging",
          Logger.class.getMethod("getLogger", String.class),
          Logger.class.getMethod("info", String.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
