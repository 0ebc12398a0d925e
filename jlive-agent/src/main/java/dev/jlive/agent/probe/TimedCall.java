package dev.jlive.agent.probe;

/**
 * What a timed call of a metrics probe carries from its entry to its exit ({@link
 * ProbeAdvice.CarriedTimed}): where the calling thread records the probe's timings and how many
 * calls the timing stands for, so that the exit looks up neither the site, nor the probe's active
 * flag, nor the thread's cell again. One per thread, probe and weight, made on the thread's first
 * such call and kept in its cell; immutable, so the shared cell's can be shared.
 *
 * <p>A probe removed while a call runs gets that call's timing in its own shard, which no one reads
 * any more: harmless, and the call was counted when the probe was still there.
 */
final class TimedCall {
  private final Probe probe;
  private final ThreadCells.Cell cell;

  /** The thread's own shard; null for the shared cell, which records into the atomic part. */
  private final LatencyHistogram.Shard shard;

  private final int calls;

  TimedCall(Probe probe, ThreadCells.Cell cell, int calls) {
    this.probe = probe;
    this.cell = cell;
    this.shard = cell.shared ? null : probe.latency.shard(cell);
    this.calls = calls;
  }

  void exit(long elapsed, Throwable thrown) {
    if (shard != null) {
      shard.record(Math.max(0, elapsed), calls);
    } else {
      probe.latency.record(cell, elapsed, calls);
    }
    if (thrown != null) {
      probe.exception(thrown);
    }
  }
}
