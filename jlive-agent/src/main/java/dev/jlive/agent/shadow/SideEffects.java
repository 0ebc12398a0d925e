package dev.jlive.agent.shadow;

import java.util.List;

/** The side-effect check, as a shadow asks it of each changed method, old body and new. */
final class SideEffects {
  private SideEffects() {}

  /**
   * Why the method, in these bytes, may not be run a second time on the same inputs; empty when it
   * may.
   *
   * @param which "old" or "new", for the answer
   */
  static List<String> findings(
      Class<?> owner, byte[] classBytes, String name, String descriptor, String which) {
    return List.of();
  }
}
