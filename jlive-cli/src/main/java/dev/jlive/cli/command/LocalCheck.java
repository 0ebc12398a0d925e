package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.JLiveException;
import java.util.function.Supplier;

/**
 * Builds a request with the record the agent and the controller read it with, so that a bad one is
 * refused here, with their very message, before any connection (exit 2, the command line was
 * wrong).
 */
final class LocalCheck {
  private LocalCheck() {}

  static <T> T checked(Supplier<T> request) {
    try {
      return request.get();
    } catch (JLiveException e) {
      throw new CliException(ExitCode.USAGE, e.code().name(), e.getMessage(), e.hint());
    }
  }
}
