package dev.jlive.agent.safepoint;

import java.util.List;

/**
 * No safe point came within the time allowed; nothing was changed. {@link #blockers()} names each
 * thread that had a frame of the set, with that frame.
 */
public final class SafepointTimeout extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<String> blockers;

  SafepointTimeout(String message, List<String> blockers) {
    super(message);
    this.blockers = List.copyOf(blockers);
  }

  public List<String> blockers() {
    return blockers;
  }
}
