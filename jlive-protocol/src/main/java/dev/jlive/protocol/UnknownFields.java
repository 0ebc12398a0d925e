package dev.jlive.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fields a peer of another version sent that this version does not know. Between agents and
 * controllers they are ignored, so that either side can be upgraded first, and each (message,
 * field) pair is logged once, so that a mixed fleet neither floods the log nor hides the mismatch.
 * Requests from users never come here: they are refused (see {@link StrictObject#rejectUnknown()}).
 */
public final class UnknownFields {
  /** Bounds the memory a peer sending ever-new field names can take. */
  private static final int MAX_REMEMBERED = 256;

  private static final Set<String> seen = ConcurrentHashMap.newKeySet();
  private static volatile Consumer<String> log = message -> {};

  private UnknownFields() {}

  /** Where the once-per-field notes go: the agent's log file, the controller's logger. */
  public static void logTo(Consumer<String> sink) {
    log = sink == null ? message -> {} : sink;
  }

  static void note(String what, String field) {
    String key = what + "\u0000" + field;
    if (seen.size() < MAX_REMEMBERED && seen.add(key)) {
      try {
        log.accept(
            what
                + " has a field this version does not know, ignored: '"
                + Printable.escape(field.length() > 60 ? field.substring(0, 60) + "..." : field)
                + "'"
                + " (the peer is probably of a newer version)");
      } catch (RuntimeException ignored) {
        // A failing log sink must not fail the message that carried the field.
      }
    }
  }

  /** For tests: forget what was logged. */
  static void forget() {
    seen.clear();
  }
}
