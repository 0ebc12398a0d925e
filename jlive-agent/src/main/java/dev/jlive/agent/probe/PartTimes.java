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
 *
 * <p>A trace deeper than one level ({@code --trace-depth}) also weaves marks into the methods below
 * the root ({@link TraceCallees}). Their marks name a call site, not a part ({@link #nested}): the
 * part is the site's node under whichever call is open on the thread, made the first time that pair
 * meets, so a callee reached from two places gets two subtrees. The open calls below the root's are
 * a stack in the shard; a mark of a callee's call finds nothing to do unless the thread is inside a
 * timed call of the root, which is the one check a callee pays when called from elsewhere. A call
 * that threw leaves its node open: the next mark of a call below it in the stack closes it, and the
 * root's next part or exit closes every one.
 */
final class PartTimes {
  private static final VarHandle SHARD = field();
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  /** The most nodes a trace's tree holds below the root's parts; calls past it are not timed. */
  static final int MAX_NESTED_PARTS = 1024;

  /**
   * A part: one of the root's calls or lines ({@code parent} -1), or a call site of a method below
   * the root under the node of the call it ran in.
   */
  private record Part(String name, int line, int parent, int site) {}

  /** A call site in a method below a trace's root: its own calls, named as a part is. */
  private record Site(String method, String name, int line) {}

  private final List<Part> parts = new CopyOnWriteArrayList<>();
  private final List<Site> sites = new ArrayList<>();

  /** Node of each (parent node, site) pair, plus one: 0 for none yet; replaced when it grows. */
  private volatile int[][] children = new int[0][];

  private int nestedParts;

  /** The tree reached {@link #MAX_NESTED_PARTS}: a new pair is not looked for under the lock. */
  private volatile boolean full;

  /** Levels of calls below the root's that are timed: the trace's depth less one. */
  private final int nestedLevels;

  /** How many calls one timed call stands for: the probe's {@code --sample}. */
  private final int weight;

  PartTimes(int weight, int depth) {
    this.weight = weight;
    this.nestedLevels = depth - 1;
  }

  /** The number of a part, made the first time the weaving meets it. */
  synchronized int index(String name, int line) {
    Part part = new Part(name, line, -1, -1);
    int index = parts.indexOf(part);
    if (index >= 0) {
      return index;
    }
    parts.add(part);
    return parts.size() - 1;
  }

  /**
   * What a mark of a call in {@code method}, a method below the root, pushes: its site's number as
   * a negative int (-2 down), which the marks of the root's own parts (0 up) never are.
   */
  synchronized int nested(String method, String name, int line) {
    Site site = new Site(method, name, line);
    int index = sites.indexOf(site);
    if (index < 0) {
      sites.add(site);
      index = sites.size() - 1;
    }
    return -2 - index;
  }

  /** The node of {@code site} under {@code parent}, made the first time; -1 past the cap. */
  private int child(int parent, int site) {
    int node = existing(children, parent, site);
    return node >= 0 || full ? node : newChild(parent, site);
  }

  /** The node of the pair in {@code all}, or -1. */
  private static int existing(int[][] all, int parent, int site) {
    if (parent < all.length && all[parent] != null && site < all[parent].length) {
      return all[parent][site] - 1;
    }
    return -1;
  }

  private synchronized int newChild(int parent, int site) {
    int[][] all = children;
    int found = existing(all, parent, site);
    if (found >= 0) {
      return found;
    }
    if (nestedParts >= MAX_NESTED_PARTS) {
      full = true;
      return -1;
    }
    nestedParts++;
    Site called = sites.get(site);
    parts.add(new Part(called.name(), called.line(), parent, site));
    int node = parts.size() - 1;
    int[][] grown = Arrays.copyOf(all, Math.max(all.length, parent + 1));
    int[] row = grown[parent] == null ? new int[0] : grown[parent];
    row = Arrays.copyOf(row, Math.max(row.length, sites.size()));
    row[site] = node + 1;
    grown[parent] = row;
    // Volatile: a thread that sees the new table sees the new row and its part.
    children = grown;
    return node;
  }

  /** One thread's state and sums; only its owner writes them. */
  static final class Shard {
    /** Frames of the method on the owner's stack while its outermost frame is timed, else 0. */
    int depth;

    int open = -1;
    long since;

    /** Calls open below the root's open part: their nodes, sites and start times, by level. */
    int level;

    /**
     * Marks of calls past the deepest level (or the cap) not yet closed: their exits do nothing.
     */
    int overflow;

    int[] nodes;
    int[] openSites;
    long[] sinces;

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
    shard.level = 0;
    shard.overflow = 0;
    return true;
  }

  /** A call that {@link #enter} said to follow ends: the outermost one closes its open part. */
  void exit(ThreadCells.Cell cell) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth == 0) {
      return;
    }
    if (--shard.depth == 0 && shard.open >= 0) {
      long now = System.nanoTime();
      closeNested(shard, 0, now);
      add(shard, shard.open, now - shard.since, 0);
      shard.open = -1;
    }
  }

  /** A part starts; one still open (a line, or a call that threw) ends here. */
  void partEnter(ThreadCells.Cell cell, int part) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth != 1) {
      return;
    }
    if (part < -1) {
      nestedEnter(shard, -2 - part);
      return;
    }
    long now = System.nanoTime();
    if (shard.open >= 0) {
      closeNested(shard, 0, now);
      add(shard, shard.open, now - shard.since, 0);
    }
    add(shard, part, 0, weight);
    shard.open = part;
    shard.since = now;
  }

  /** A call that {@link #partEnter} started returned. */
  void partExit(ThreadCells.Cell cell, int part) {
    Shard shard = cell.parts;
    if (shard == null || shard.depth != 1) {
      return;
    }
    if (part < -1) {
      nestedExit(shard, -2 - part);
      return;
    }
    if (shard.open != part) {
      return;
    }
    long now = System.nanoTime();
    closeNested(shard, 0, now);
    add(shard, part, now - shard.since, 0);
    shard.open = -1;
  }

  /** A call below the root starts, inside the root's open part: it opens the next level. */
  private void nestedEnter(Shard shard, int site) {
    if (shard.open < 0) {
      return;
    }
    if (shard.overflow > 0 || shard.level >= nestedLevels) {
      shard.overflow++;
      return;
    }
    int parent = shard.level == 0 ? shard.open : shard.nodes[shard.level - 1];
    int node = child(parent, site);
    if (node < 0) {
      shard.overflow++;
      return;
    }
    if (shard.nodes == null) {
      shard.nodes = new int[nestedLevels];
      shard.openSites = new int[nestedLevels];
      shard.sinces = new long[nestedLevels];
    }
    add(shard, node, 0, weight);
    shard.nodes[shard.level] = node;
    shard.openSites[shard.level] = site;
    shard.sinces[shard.level] = System.nanoTime();
    shard.level++;
  }

  /** A call below the root returned: its node closes, with any above it left open by a throw. */
  private void nestedExit(Shard shard, int site) {
    if (shard.overflow > 0) {
      shard.overflow--;
      return;
    }
    for (int level = shard.level - 1; level >= 0; level--) {
      if (shard.openSites[level] == site) {
        closeNested(shard, level, System.nanoTime());
        return;
      }
    }
  }

  /** Closes the calls open from level {@code from} up. */
  private void closeNested(Shard shard, int from, long now) {
    for (int level = shard.level - 1; level >= from; level--) {
      add(shard, shard.nodes[level], now - shard.sinces[level], 0);
    }
    shard.level = Math.min(shard.level, from);
    shard.overflow = 0;
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

  /**
   * Every part with its calls and time, summed over the threads: the root's in the order they were
   * woven, each followed by the tree below it.
   */
  List<TimedPart> snapshot(ThreadCells cells) {
    Shard[] shards = cells.collect(cell -> (Shard) SHARD.getAcquire(cell), Shard[]::new);
    List<Part> all = List.copyOf(parts);
    List<TimedPart> list = new ArrayList<>();
    for (int index = 0; index < all.size(); index++) {
      if (all.get(index).parent() < 0) {
        addTree(list, all, shards, index, 0);
      }
    }
    return list;
  }

  private void addTree(List<TimedPart> list, List<Part> all, Shard[] shards, int index, int level) {
    list.add(sum(shards, all.get(index), index, level));
    for (int child = index + 1; child < all.size(); child++) {
      if (all.get(child).parent() == index) {
        addTree(list, all, shards, child, level + 1);
      }
    }
  }

  private static TimedPart sum(Shard[] shards, Part part, int index, int level) {
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
    return new TimedPart(part.name(), part.line(), calls, nanos, level);
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
