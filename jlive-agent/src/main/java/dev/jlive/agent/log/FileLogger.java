package dev.jlive.agent.log;

import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.Printable;
import dev.jlive.protocol.UntrustedFileException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent's log: a {@link System.Logger} that appends to a file of its own.
 *
 * <p>Why not {@code System.getLogger}: that routes into the application's logging set-up (and
 * initialises {@code java.util.logging} on its behalf), and the agent must not write to the
 * application's output. This logger touches no global state, so it leaves nothing behind on detach.
 * If the file cannot be written, messages are dropped: logging must never fail a call.
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

  /**
   * Opens the log for appending, creating it 0600. A link in its place is never followed, and a log
   * that another user owns or may write to is refused with an {@link UntrustedFileException}: in a
   * JVM run by root, following a link planted there would append to any file on the machine. Any
   * other failure to open it gives a logger that drops messages.
   */
  public static FileLogger open(String name, Path file, Level threshold)
      throws UntrustedFileException {
    try {
      checkExisting(file);
      Set<OpenOption> options =
          Set.of(
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
      SeekableByteChannel channel =
          FileTrust.isPosix(file)
              ? Files.newByteChannel(file, options, FileTrust.permissions("rw-------"))
              : Files.newByteChannel(file, options);
      return new FileLogger(
          name, new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8)), threshold);
    } catch (UntrustedFileException e) {
      throw e;
    } catch (IOException e) {
      return new FileLogger(name, null, threshold);
    }
  }

  private static void checkExisting(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink() || attributes.isRegularFile()) {
      FileTrust.checkFile(file, FileTrust.currentUser(), false);
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
    StringBuilder line =
        new StringBuilder()
            .append(Instant.now())
            .append(' ')
            .append(level.getName())
            .append(' ')
            .append('[')
            .append(Thread.currentThread().getName())
            .append("] ")
            // One event, one line: a value a client sent cannot forge a line or carry a terminal
            // escape.
            .append(Printable.escape(msg));
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
      log(
          level,
          bundle,
          params == null || params.length == 0 ? format : MessageFormat.format(format, params),
          (Throwable) null);
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
