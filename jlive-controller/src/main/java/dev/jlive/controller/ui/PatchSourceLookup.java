package dev.jlive.controller.ui;

import dev.jlive.controller.fleet.ServiceChanges;

/**
 * Where the patch view reads a patch's diff and sources: the controller's change store, or under
 * {@code jlive ui PID} the one agent's recent source patches.
 */
@FunctionalInterface
public interface PatchSourceLookup {
  /** The patch's diff and spec; null for a change that is no patch or whose sources are gone. */
  ServiceChanges.PatchSources find(String service, String change);
}
