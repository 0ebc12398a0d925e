package dev.jlive.protocol;

import java.io.IOException;

/**
 * A runtime directory, or a file in it, that another user could have made or could change: owned by
 * someone else, writable by others, or a symbolic link. The message says what was found, who owns
 * it and what to do.
 */
public final class UntrustedFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String hint;

  public UntrustedFileException(String what, String hint) {
    super(what + "; " + hint);
    this.what = what;
    this.hint = hint;
  }

  /** What was found, without the hint. */
  public String what() {
    return what;
  }

  /** What the user can do about it. */
  public String hint() {
    return hint;
  }
}
