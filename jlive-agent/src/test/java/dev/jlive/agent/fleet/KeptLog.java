package dev.jlive.agent.fleet;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logger that keeps every line, formatted, for tests that check what the agent logs. */
final class KeptLog implements System.Logger {
  final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public String getName() {
    return "kept";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(level + " " + msg);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(
        level
            + " "
            + (params == null || params.length == 0
                ? format
                : MessageFormat.format(format, params)));
  }
}
