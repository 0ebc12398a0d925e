package dev.jlive.agent.probe;

import dev.jlive.protocol.metrics.TimedPart;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The time a traced method spends in each of its parts: the calls it makes ({@code --trace}) or its
 * source lines ({@code --profile-lines}), merged over the calls that were timed.
 *
 * <p>The woven code marks where a part starts and, for a call, where it ends ({@link
 * dev.jlive.bridge.JLiveBridge#partEnter}/{@code partExit}); the method's own entry and exit are
 * the metrics advice. Which call is timed, when the part started and which part is open are kept
 * per thread, in a shard in the thread's own cell ({@link ThreadCells}), not in locals of the woven
 * method: the woven code then only pushes two ints and calls, so it keeps the stack as it was and
 * adds no local that the method's stack map frames would have to declare. The shard counts the
 * method's frames on its thread, and only the outermost frame's parts are timed: a recursive call
 * is part of the call that made it. A thread without a cell of its own (the shared cell) times no
 * parts.
 *
 * <p>Parts are numbered as the weaving meets them, so a patch that moves a call or a line gets new
 * parts beside the old ones rather than mixing them up.
 */
final class PartTimes {
  private static final VarHandle SHARD = field();
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private record Part(String name, int line) {}

  private final List<Part> parts = new CopyOnWriteArrayList<>();

  /** How many calls one timed call stands for: the probe's {@code --sample}. */
  private final int weight;

  PartTimes(int weight) {
    this.weight = weight;
  }

  /** The number of a part, made the first time the weaving meets it. */
  synchronized int index(String name, int line) {
    Part part = new Part(name, line);
    int index = parts.indexOf(part);
    if (index >= 0) {
      return index;
    }
    parts.add(part);
    return parts.size() - 1;
  }

  /** One thread's state and sums; only its owner writes them. */
  static final class Shard {
    /** Frames of the method on the owner's stack while its outermost frame is timed, else 0. */
    int depth;

    int open = -1;
    long since;
    // Volatile: a reader that sees a grown array sees what was copied into it.
    volatile long[] calls = new long[8];
    volatile long[] nanos = new long[8];
  }

  /**
   * A call of the method starts; {@code timed} says whether sampling kept it. Returns whether its
   * exit has anything to do: the timed outermost frame, or a frame nested in one.
   */
  boolean enter(ThreadCells.Cell cell, boolean timed) {
    if (cell.shared) {
      return false;
    }
    Shard shard = cell.parts;
    if (shard == null) {
      if (!timed) {
        return false;
      }
      shard = new Shard();
      // Release: a reader that sees the shard sees its arrays.
      SHARD.setRelease(cell, shard);
    }
    if (shard.depth > 0) {
      shard.depth++;
      return true;
    }
    if (!timed) {
      return false;
    }
    shard.depth = 1;
    shard.open = -1;
    return true;
  }

  /** A call that {@link #enter} said to follow ends: the outermost one closes its open part. */
  void exit(ThreadCells.Cell cell) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth == 0) {
      return;
    }
    if (--shard.depth == 0 && shard.open >= 0) {
      add(shard, shard.open, System.nanoTime() - shard.since, 0);
      shard.open = -1;
    }
  }

  /** A part starts; one still open (a line, or a call that threw) ends here. */
  void partEnter(ThreadCells.Cell cell, int part) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth != 1) {
      return;
    }
    long now = System.nanoTime();
    if (shard.open >= 0) {
      add(shard, shard.open, now - shard.since, 0);
    }
    add(shard, part, 0, weight);
    shard.open = part;
    shard.since = now;
  }

  /** A call that {@link #partEnter} started returned. */
  void partExit(ThreadCells.Cell cell, int part) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth != 1 || shard.open != part) {
      return;
    }
    add(shard, part, System.nanoTime() - shard.since, 0);
    shard.open = -1;
  }

  private void add(Shard shard, int part, long elapsed, int calls) {
    if (part >= shard.calls.length) {
      int length = Math.max(part + 1, shard.calls.length * 2);
      long[] moreCalls = Arrays.copyOf(shard.calls, length);
      long[] moreNanos = Arrays.copyOf(shard.nanos, length);
      shard.calls = moreCalls;
      shard.nanos = moreNanos;
    }
    if (calls != 0) {
      LONGS.setOpaque(shard.calls, part, shard.calls[part] + calls);
    }
    if (elapsed > 0) {
      LONGS.setOpaque(shard.nanos, part, shard.nanos[part] + elapsed * weight);
    }
  }

  /** Every part with its calls and time, summed over the threads, in the order they were woven. */
  List<TimedPart> snapshot(ThreadCells cells) {
    Shard[] shards = cells.collect(cell -> (Shard) SHARD.getAcquire(cell), Shard[]::new);
    List<TimedPart> list = new ArrayList<>();
    for (int index = 0; index < parts.size(); index++) {
      long calls = 0;
      long nanos = 0;
      for (Shard shard : shards) {
        long[] shardCalls = shard.calls;
        long[] shardNanos = shard.nanos;
        if (index < shardCalls.length && index < shardNanos.length) {
          calls += (long) LONGS.getOpaque(shardCalls, index);
          nanos += (long) LONGS.getOpaque(shardNanos, index);
        }
      }
      Part part = parts.get(index);
      list.add(new TimedPart(part.name(), part.line(), calls, nanos));
    }
    return list;
  }

  private static VarHandle field() {
    try {
      return MethodHandles.lookup()
          .findVarHandle(ThreadCells.CellFields.class, "parts", Shard.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
