package dev.jlive.agent.probe;

import dev.jlive.protocol.probe.ProbeSpec;

/**
 * What a probe's per-call code decides by, fixed when the probe is made: its kind, whether it has a
 * hit limit, parts to time, how often it times and samples, and where it counts.
 *
 * <p>A record, for the compiler. C2 takes the fields of a record (and of a hidden class) as
 * constants where the object holding them is one. A site's linked dispatcher is a constant in the
 * probed method's compiled code and holds its probe's plan in a hidden class ({@link
 * SiteConstants}), so there every check below on the plan folds away: a counting probe's call is
 * the active flag, the thread's cell and one add (docs/ARCHITECTURE.md, "The probe's plan,
 * constants in the compiled code"). Through the bridge's slot the same code reads the plan's
 * fields.
 *
 * @param probe the probe
 * @param cells the probe's per-thread counters ({@link Probe#cells})
 * @param kind the probe's kind
 * @param limited whether the probe stops after a number of calls ({@code --max-hits})
 * @param parts whether the probe times the parts of its method (a trace or line profile)
 * @param timeOneIn a metrics probe times one call in this many
 * @param sampleThreshold for {@link ThreadCells.Cell#sample}: -1 when the probe acts on every call
 * @param latency the probe's timings ({@link Probe#latency})
 */
record CallPlan(
    Probe probe,
    ThreadCells cells,
    ProbeSpec.Kind kind,
    boolean limited,
    boolean parts,
    int timeOneIn,
    long sampleThreshold,
    LatencyHistogram latency) {

  /**
   * Counts a call: the calling thread's cell (for more decisions about this call), or null when the
   * probe is off or this call used up its hit budget.
   */
  ThreadCells.Cell hit() {
    if (!probe.isActive()) {
      return null;
    }
    ThreadCells.Cell cell = cells.count();
    if (limited && probe.pastHitLimit()) {
      return null;
    }
    return cell;
  }

  /**
   * How many calls a metrics probe's timing of this call stands for: 1 for each thread's first
   * calls and when every call is timed, {@code timeOneIn} for a sampled call, 0 for a call not
   * timed.
   */
  int timingWeight(ThreadCells.Cell cell) {
    // Kept within 35 bytes of bytecode, so that C2 inlines it even where the call has no profile
    // (SiteDispatcherShapeTest). The shared cell's first calls are timed exactly too.
    if (timeOneIn <= 1 || cell.hits <= Probe.EXACT_TIMINGS_PER_THREAD) {
      return 1;
    }
    return sampledTimingWeight(cell);
  }

  /**
   * {@link #timingWeight} past a thread's first calls: {@code timeOneIn} for 1 call in that many.
   */
  private int sampledTimingWeight(ThreadCells.Cell cell) {
    return cell.sample(probe.timingThreshold) ? timeOneIn : 0;
  }

  /**
   * True when sampling keeps this call: the thread's own generator, and a left-out call counted in
   * the thread's own cell, so a dropped call costs no shared write.
   */
  boolean sampled(ThreadCells.Cell cell) {
    if (sampleThreshold == -1L || cell.sample(sampleThreshold)) {
      return true;
    }
    cell.skip();
    return false;
  }
}
