package dev.jlive.api;

/**
 * Tells jlive when a patch may go in, beyond "no thread runs a changed method": for example, that a
 * lock is free or a batch has finished. Implement it in the application (with a public no-argument
 * constructor) and name the class with {@code jlive patch --check-class}.
 *
 * <p>jlive calls {@link #isSafe()} while the changed methods are quiescent and callers wait at the
 * safe-point gate, so it must be quick and must not block. While it answers false, jlive opens the
 * gate, waits a little and tries again, until the patch's time-out.
 */
public interface SafepointCheck {
  boolean isSafe();
}
