package dev.jlive.it.apps;

import dev.jlive.api.SafepointCheck;

/** The application's own safe-point check: safe once Versioned.ready is set. */
public final class ReadyCheck implements SafepointCheck {
  @Override
  public boolean isSafe() {
    return Versioned.ready;
  }
}
