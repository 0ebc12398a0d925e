package dev.jlive.agent.fleet;

import java.util.ResourceBundle;

/** A logger that drops everything, so unit tests keep their output clean. */
final class NoLog implements System.Logger {
  static final NoLog INSTANCE = new NoLog();

  @Override
  public String getName() {
    return "none";
  }

  @Override
  public boolean isLoggable(Level level) {
    return false;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {}

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {}
}
