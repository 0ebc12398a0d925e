package dev.jlive.agent.log;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The agent's log: a {@link System.Logger} that appends to a file of its own.
 *
 * <p>Why not {@code System.getLogger}: that routes into the application's logging set-up (and
 * initialises {@code java.util.logging} on its behalf), and the agent must not write to the
 * application's output. This logger touches no global state, so it leaves nothing behind on
 * detach. If the file cannot be written, messages are dropped: logging must never fail a call.
 */
public final class FileLogger implements System.Logger, AutoCloseable {
  private final String name;
  private final Writer out;
  private final Level threshold;

  private FileLogger(String name, Writer out, Level threshold) {
    this.name = name;
    this.out = out;
    this.threshold = threshold;
  }

  public static FileLogger open(String name, Path file, Level threshold) {
    try {
      Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      return new FileLogger(name, out, threshold);
    } catch (IOException e) {
      return new FileLogger(name, null, threshold);
    }
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return out != null && level.getSeverity() >= threshold.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (!isLoggable(level)) {
      return;
    }
    StringBuilder line = new StringBuilder()
        .append(Instant.now()).append(' ').append(level.getName()).append(' ')
        .append('[').append(Thread.currentThread().getName()).append("] ")
        // One event, one line: a value a client sent cannot forge a line or carry a terminal escape.
        .append(dev.jlive.protocol.Printable.escape(msg));
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      line.append(System.lineSeparator()).append(trace);
    }
    write(line.append(System.lineSeparator()).toString());
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
    }
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    if (isLoggable(level)) {
      log(level, null, msgSupplier.get(), (Throwable) null);
    }
  }

  private synchronized void write(String text) {
    try {
      out.write(text);
      out.flush();
    } catch (IOException e) {
      // The log is best effort; the agent goes on without it.
    }
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // Nothing more can be done about a log that cannot be closed.
      }
    }
  }
}
