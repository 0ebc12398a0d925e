package dev.jlive.agent.probe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A probe's exact per-call counters without a locked instruction per call: each thread counts in a
 * cell of its own (single writer, plain store made visible with opaque mode), and readers add the
 * cells up. An uncontended {@code LongAdder} still pays one CAS per call, which was most of a
 * counting probe's cost.
 *
 * <p>A thread finds its cell at index {@code thread id & MASK} of a fixed table: one array read and
 * one compare on the hot path, no {@code ThreadLocal} lookup. A cell stays owned by its thread; a
 * thread whose index is taken by a live thread counts in the shared cell, with atomic adds (exact,
 * just slower), and takes over a dead owner's cell, going on from its value (the dead thread's last
 * write happens-before {@link Thread#isAlive()} returning false), so no count is lost and memory
 * stays bounded by the table.
 *
 * <p>Each cell also carries a random generator for sampling decisions (xorshift, owner only).
 *
 * <p>A record, for the compiler: C2 takes a record's fields as constants where the record is one,
 * so in a probe site's linked dispatcher ({@link CallPlan}) the table is a constant and its bounds
 * check goes away.
 *
 * @param table the threads' own cells, by thread id
 * @param shared the cell of threads whose index belongs to another live thread (atomic adds)
 */
record ThreadCells(Cell[] table, Cell shared) {
  static final int SIZE = 256;
  private static final int MASK = SIZE - 1;

  private static final VarHandle TABLE = MethodHandles.arrayElementVarHandle(Cell[].class);
  private static final VarHandle OWNER;
  private static final VarHandle HITS;
  private static final VarHandle DROPS;
  private static final VarHandle SKIPS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OWNER = lookup.findVarHandle(CellFields.class, "owner", Thread.class);
      HITS = lookup.findVarHandle(CellFields.class, "hits", long.class);
      DROPS = lookup.findVarHandle(CellFields.class, "drops", long.class);
      SKIPS = lookup.findVarHandle(CellFields.class, "skips", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Padding before the fields, so cells of two threads never share a cache line. */
  abstract static class CellPadBefore {
    long p01, p02, p03, p04, p05, p06, p07;
  }

  abstract static class CellFields extends CellPadBefore {
    Thread owner;
    long hits;
    long drops;
    long skips;
    long seed;
    final boolean shared;

    /** The owner's latency timings ({@link LatencyHistogram}), made on its first timed call. */
    LatencyHistogram.Shard shard;

    /** The owner's times of a trace's or line profile's parts ({@link PartTimes}). */
    PartTimes.Shard parts;

    CellFields(Thread owner, boolean shared) {
      this.owner = owner;
      this.shared = shared;
      this.seed =
          mix(
              owner == null
                  ? System.nanoTime()
                  : owner.getId() * 0x9E3779B97F4A7C15L ^ System.nanoTime());
    }
  }

  /**
   * One thread's counters, or the shared one (atomic adds) for threads without a cell of their own.
   */
  static final class Cell extends CellFields {
    long q01, q02, q03, q04, q05, q06, q07;

    Cell(Thread owner, boolean shared) {
      super(owner, shared);
    }

    /**
     * Counts a call; returns this cell's count after it (every owner's calls, or all shared ones).
     */
    long hit() {
      if (shared) {
        return (long) HITS.getAndAdd(this, 1L) + 1;
      }
      long next = hits + 1;
      HITS.setOpaque(this, next);
      return next;
    }

    /** Counts a dropped event; returns this cell's drop count after it. */
    long drop() {
      if (shared) {
        return (long) DROPS.getAndAdd(this, 1L) + 1;
      }
      long next = drops + 1;
      DROPS.setOpaque(this, next);
      return next;
    }

    /** Counts a call that sampling left out. */
    void skip() {
      if (shared) {
        SKIPS.getAndAdd(this, 1L);
        return;
      }
      SKIPS.setOpaque(this, skips + 1);
    }

    /**
     * True for a random one in {@code oneIn} calls, given {@code threshold} = {@link
     * #threshold(int)}: an unsigned compare, no division.
     */
    boolean sample(long threshold) {
      long random;
      if (shared) {
        random = ThreadLocalRandom.current().nextLong();
      } else {
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        random = x;
      }
      return Long.compareUnsigned(random, threshold) < 0;
    }

    long hits() {
      return (long) HITS.getOpaque(this);
    }

    long drops() {
      return (long) DROPS.getOpaque(this);
    }

    long skips() {
      return (long) SKIPS.getOpaque(this);
    }
  }

  /** The unsigned threshold under which a uniform random long falls with probability 1/oneIn. */
  static long threshold(int oneIn) {
    return oneIn <= 1 ? -1L : Long.divideUnsigned(-1L, oneIn);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z == 0 ? 0x9E3779B97F4A7C15L : z;
  }

  ThreadCells() {
    this(new Cell[SIZE], new Cell(null, true));
  }

  /** The calling thread's cell; the shared cell when its index belongs to another live thread. */
  Cell mine() {
    Cell cell = own();
    if (cell != null) {
      return cell;
    }
    Thread thread = Thread.currentThread();
    return claim(thread, (int) thread.getId() & MASK);
  }

  /**
   * The calling thread's own cell in the table, or null when it has none (it counts in the shared
   * cell, or has not counted yet). A cell owned by a live thread stays in the table and stays its
   * own, so a timed call's exit finds the cell its entry counted in, and needs no test of whether
   * it is the shared one.
   */
  Cell own() {
    Thread thread = Thread.currentThread();
    // A plain read: only this thread ever stores itself as an owner, so seeing itself is never
    // stale.
    Cell cell = table[(int) thread.getId() & MASK];
    return cell != null && cell.owner == thread ? cell : null;
  }

  /**
   * Counts a call in the calling thread's cell and returns that cell: {@link #mine} and {@link
   * Cell#hit} in one, without asking whether a cell the thread owns in the table is the shared one
   * (it never is). This is the whole per-call work of a counting probe.
   */
  Cell count() {
    Thread thread = Thread.currentThread();
    int index = (int) thread.getId() & MASK;
    Cell cell = table[index];
    if (cell != null && cell.owner == thread) {
      HITS.setOpaque(cell, cell.hits + 1);
      return cell;
    }
    cell = claim(thread, index);
    cell.hit();
    return cell;
  }

  private Cell claim(Thread thread, int index) {
    while (true) {
      Cell cell = (Cell) TABLE.getVolatile(table, index);
      if (cell == null) {
        Cell created = new Cell(thread, false);
        if (TABLE.compareAndSet(table, index, null, created)) {
          return created;
        }
        continue;
      }
      Thread owner = (Thread) OWNER.getVolatile(cell);
      if (owner == thread) {
        return cell;
      }
      // Asking whether the owner is alive is a native call: colliding threads ask once in a while.
      if ((ThreadLocalRandom.current().nextInt() & 255) == 0 && !owner.isAlive()) {
        if (OWNER.compareAndSet(cell, owner, thread)) {
          return cell;
        }
        continue;
      }
      return shared;
    }
  }

  /**
   * What {@code read} finds in each thread's cell, the shared one excepted, nulls left out: for
   * readers that merge per-thread state.
   */
  <T> T[] collect(Function<Cell, T> read, IntFunction<T[]> array) {
    List<T> found = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      Cell cell = (Cell) TABLE.getVolatile(table, i);
      if (cell != null) {
        T value = read.apply(cell);
        if (value != null) {
          found.add(value);
        }
      }
    }
    return found.toArray(array.apply(0));
  }

  long hits() {
    long sum = shared.hits();
    for (int i = 0; i < SIZE; i++) {
      Cell cell = (Cell) TABLE.getVolatile(table, i);
      if (cell != null) {
        sum += cell.hits();
      }
    }
    return sum;
  }

  long skips() {
    long sum = shared.skips();
    for (int i = 0; i < SIZE; i++) {
      Cell cell = (Cell) TABLE.getVolatile(table, i);
      if (cell != null) {
        sum += cell.skips();
      }
    }
    return sum;
  }

  long drops() {
    long sum = shared.drops();
    for (int i = 0; i < SIZE; i++) {
      Cell cell = (Cell) TABLE.getVolatile(table, i);
      if (cell != null) {
        sum += cell.drops();
      }
    }
    return sum;
  }
}
