package dev.jlive.agent.patch;

import dev.jlive.agent.weave.ClassPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The clean-up retransformations of switched swaps: each takes the gate and the old bodies out of
 * its classes a while after the swap, off the caller's path, and then lets the gate go.
 *
 * <p>A clean-up is only a retransformation of its classes with the merged code no longer served. So
 * when a later change retransforms all of those classes first (the next patch or revert weaving its
 * own gate, often within the delay), that did the clean-up's work: it is dropped and its gate let
 * go, instead of retransforming once more. Measured (docs/BENCHMARKS.md, section 36), a clean-up
 * that waited for the patch engine's lock ran its retransformation right behind the next patch, and
 * that patch's answer waited for it.
 *
 * <p>Every method runs under the lock given, the patch engine's, which guards the classes' bytes.
 */
final class SwapCleanUps {
  /**
   * How long after a switched swap its clean-up waits: the answer goes out first, and the merged
   * code costs only a few bridge calls per call meanwhile.
   */
  private static final long DELAY_MILLIS = 200;

  /**
   * For tests only: {@code -Djlive.swapCleanUp.delayMillis=} lengthens the delay, so that a test's
   * next change surely comes within it on a busy host. Read at each schedule, so that a test can
   * give a later change's clean-up a shorter delay than the first one's (SwapCleanUpTest then waits
   * 20 s only where it must).
   */
  static final String DELAY_PROPERTY = "jlive.swapCleanUp.delayMillis";

  /**
   * For tests only: {@code -Djlive.swapCleanUp.drop=false} keeps a clean-up that a later change did
   * the work of, so that it retransforms its classes once more (the negative control of the drop).
   * Harmless: that retransformation is what every clean-up did before the drop existed.
   */
  static final String DROP_PROPERTY = "jlive.swapCleanUp.drop";

  /** What the warm-up schedules to run the scheduling path once. */
  private static final Runnable NOTHING = () -> {};

  private final ClassPipeline pipeline;
  private final System.Logger log;
  private final Object lock;
  private final boolean drop = !"false".equals(System.getProperty(DROP_PROPERTY));

  /**
   * One daemon thread, started by the idle warm-up ({@link #startThread}) or else by the first
   * clean-up scheduled.
   */
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(
          1,
          task -> {
            Thread thread = new Thread(task, "jlive-swap-clean-up");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Clean-ups scheduled and not done yet. Stop runs them: after the detach the bridge has no
   * dispatcher, and merged code whose switch reads off would run the old body.
   */
  private final List<CleanUp> pending = new ArrayList<>();

  /**
   * Retransform {@code classes}, then run {@code done} (which lets the gate go).
   *
   * <p>A class, not a record, so that {@code pending.remove} compares identities: a record's {@code
   * equals} is bootstrapped by {@code java.lang.runtime.ObjectMethods}, whose shared handles keep
   * the last type they were adapted to, and with it the agent's class loader after a detach
   * (ClassLoaderLeakTest, with {@code --also}; see {@code QuiescentSwap.Member}).
   */
  private final class CleanUp implements Runnable {
    private final List<Class<?>> classes;
    private final Runnable done;

    CleanUp(List<Class<?>> classes, Runnable done) {
      this.classes = classes;
      this.done = done;
    }

    /** On the timer: unless a later change did its work meanwhile. */
    @Override
    public void run() {
      synchronized (lock) {
        if (pending.remove(this)) {
          SwapCleanUps.this.run(this);
        }
      }
    }

    List<Class<?>> classes() {
      return classes;
    }

    Runnable done() {
      return done;
    }
  }

  SwapCleanUps(ClassPipeline pipeline, System.Logger log, Object lock) {
    this.pipeline = pipeline;
    this.log = log;
    this.lock = lock;
  }

  /**
   * Starts the clean-up thread before any patch needs it: started by the first patch's schedule, on
   * a busy box it held that patch's answer for about 30 ms (docs/BENCHMARKS.md, section 57). Does
   * nothing once stopped.
   */
  void startThread() {
    timer.prestartCoreThread();
    try {
      // The scheduling path run once too: the first clean-up's was about 1 ms of CPU (section 62).
      timer.schedule(NOTHING, 0, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // Stopped meanwhile: nothing to warm up.
    }
  }

  /** Schedules the clean-up of a switched swap of {@code classes}. */
  void schedule(List<Class<?>> classes, Runnable done) {
    CleanUp cleanUp = new CleanUp(List.copyOf(classes), done);
    pending.add(cleanUp);
    try {
      timer.schedule(cleanUp, Long.getLong(DELAY_PROPERTY, DELAY_MILLIS), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Stopped already: no later moment to do it at.
      pending.remove(cleanUp);
      run(cleanUp);
    }
  }

  /**
   * {@code classes} were just retransformed from bytes that hold no earlier swap's merged code (a
   * layer, or a new merge of two layers): the pending clean-ups of those classes (all of each
   * one's) are done.
   */
  void retransformed(List<Class<?>> classes) {
    if (!drop) {
      return;
    }
    for (CleanUp cleanUp : List.copyOf(pending)) {
      if (classes.containsAll(cleanUp.classes())) {
        pending.remove(cleanUp);
        cleanUp.done().run();
        log.log(
            System.Logger.Level.INFO,
            "swap clean-up of {0} dropped: a later change retransformed them",
            cleanUp.classes());
      }
    }
  }

  /** Runs every pending clean-up now and schedules no more. */
  void stop() {
    List.copyOf(pending).forEach(this::run);
    pending.clear();
    timer.shutdownNow();
  }

  private void run(CleanUp cleanUp) {
    try {
      pipeline.retransformTogether(cleanUp.classes());
      cleanUp.done().run();
      log.log(System.Logger.Level.INFO, "swap clean-up retransformed {0}", cleanUp.classes());
    } catch (Exception | LinkageError e) {
      log.log(
          System.Logger.Level.WARNING,
          "the gate and old bodies of a swap stay in "
              + cleanUp.classes()
              + " until they are next retransformed: "
              + e);
    }
  }
}
