package dev.jlive.agent.patch;

import dev.jlive.protocol.patch.PatchPhase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Times the phases of applying one patch, so that the answer says where the time went. A phase
 * timed twice adds up; phases are listed in the order a patch runs them.
 */
final class PatchClock {
  /** The phases of a patch, in the order they run. */
  enum Phase {
    /** Finding the loaded classes and reading their class files. */
    READ("read"),
    COMPILED("compiled"),
    /** Comparing the shapes of old and new classes, compiling a --check. */
    CHECKED("checked"),
    /** Weaving probes and the gate into the new code off to the side, and the gate into the old. */
    WOVEN("woven"),
    /** At the safe point: closing the gate, waiting for quiescence, scanning stacks, checks. */
    WAITED("waited"),
    /** The retransformation that installs the new code. */
    SWAPPED("swapped"),
    /** Taking the gate out again, when the swap did not take it out with it. */
    UNWOVEN("unwoven"),
    /** Writing the applied patch down: the patch list, the source log, the change ledger. */
    RECORDED("recorded");

    final String wireName;

    Phase(String wireName) {
      this.wireName = wireName;
    }
  }

  private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);

  <T> T time(Phase phase, Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      add(phase, System.nanoTime() - start);
    }
  }

  void add(Phase phase, long elapsedNanos) {
    nanos.merge(phase, elapsedNanos, Long::sum);
  }

  long nanos(Phase phase) {
    return nanos.getOrDefault(phase, 0L);
  }

  /** The phases that ran, in milliseconds rounded to a hundredth. */
  List<PatchPhase> phases() {
    List<PatchPhase> phases = new ArrayList<>();
    for (Map.Entry<Phase, Long> phase : nanos.entrySet()) {
      phases.add(
          new PatchPhase(phase.getKey().wireName, Math.round(phase.getValue() / 10_000.0) / 100.0));
    }
    return phases;
  }
}
