package dev.jlive.agent.shadow;

import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.shadow.ShadowReport;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Shadow runs: a candidate patch runs beside the running code on sampled live calls, and its
 * outcome is compared with the original's, without the callers seeing any of it.
 *
 * <p>How a call is shadowed: the changed methods get an exit advice ({@link ShadowAdvice}); on a
 * sampled call, once the method's own code has produced its outcome, the advice hands the receiver,
 * the arguments and the outcome to this engine, which queues a comparison and returns. A worker
 * thread of jlive's then runs the candidate's copy of the method ({@link CandidateClass}) on the
 * same receiver and arguments, and compares the two outcomes ({@link OutcomeDiff}). This is sound
 * only because both bodies passed the side-effect check: neither changes an object that existed
 * before the call, so running one again, later, on another thread, changes nothing and sees the
 * inputs as they were (unless the application itself changed them meanwhile, which noise learning
 * reports as noise). On a sample the old body's copy runs a second time too, and the paths where
 * two runs of the old code differ are noise ({@link Shadow}).
 *
 * <p>Budget: one worker thread and a bounded queue; a sampled call that finds the queue full is
 * dropped and counted, so a slow candidate costs the application nothing but the samples it loses.
 * The candidate's exceptions are caught on the worker. A shadow ends when its duration is over, or
 * when it is dropped or promoted; its advice is then taken out of the classes.
 */
public final class ShadowEngine implements WeavingSource {
  static final int QUEUE = 256;
  private static final int MAX_SITES = 4096;

  private final Instrumentation instrumentation;
  private final ClassPipeline pipeline;
  private final PatchEngine patches;
  private final System.Logger log;
  private final Map<String, Shadow> shadows = new LinkedHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private volatile ShadowSite[] sites = new ShadowSite[16];
  private final ThreadPoolExecutor runs;
  private final ScheduledThreadPoolExecutor timer;

  /** The threads that run candidates: a shadowed method they call is not shadowed again. */
  private static final class Worker extends Thread {
    Worker(Runnable task, String name) {
      super(task, name);
      setDaemon(true);
    }
  }

  public ShadowEngine(
      Instrumentation instrumentation,
      ClassPipeline pipeline,
      PatchEngine patches,
      System.Logger log) {
    this.instrumentation = instrumentation;
    this.pipeline = pipeline;
    this.patches = patches;
    this.log = log;
    this.runs =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            task -> new Worker(task, "jlive-shadow"),
            new ThreadPoolExecutor.AbortPolicy());
    this.timer = new ScheduledThreadPoolExecutor(1, task -> new Worker(task, "jlive-shadow-timer"));
    timer.setRemoveOnCancelPolicy(true);
  }

  public void start() {
    pipeline.addSource(this);
  }

  /** Ends every shadow and takes its advice out; the worker threads end. */
  public synchronized void stop() {
    for (Shadow shadow : List.copyOf(shadows.values())) {
      if (shadow.isRunning()) {
        try {
          end(shadow, "dropped", "the agent stopped");
        } catch (RuntimeException e) {
          log.log(System.Logger.Level.ERROR, "could not end shadow " + shadow.id, e);
        }
      }
    }
    pipeline.removeSource(this);
    runs.shutdownNow();
    timer.shutdownNow();
  }

  // ---- requests ----

  public synchronized ShadowReport begin(ShadowRequest request, String author) {
    PatchEngine.Candidate candidate = patches.candidate(request.patch());
    List<String> refusals = new ArrayList<>();
    // One check per request: it caches the classes it read.
    SideEffects sideEffects = new SideEffects(instrumentation);
    for (Map.Entry<Class<?>, List<String>> entry : candidate.changedMethods().entrySet()) {
      Class<?> type = entry.getKey();
      for (String key : entry.getValue()) {
        String name = key.substring(0, key.indexOf(' '));
        String descriptor = key.substring(key.indexOf(' ') + 1);
        if (name.startsWith("<")) {
          refusals.add(
              type.getSimpleName()
                  + ": the candidate changes a constructor or static initialiser, which cannot be"
                  + " run a second time beside the running code");
          continue;
        }
        refusals.addAll(
            sideEffects.findings(type, candidate.running().get(type), name, descriptor, "old"));
        refusals.addAll(
            sideEffects.findings(type, candidate.changed().get(type), name, descriptor, "new"));
      }
    }
    if (!refusals.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the shadow is refused, nothing changed: running a method a second time must change"
              + " nothing, and "
              + String.join("; ", refusals),
          "shadow only methods that pass the side-effect check (their old and new bodies);"
              + " a method with effects can be tried with `jlive replay PID FILE --patch` on"
              + " recorded calls, or patched and watched");
    }
    Shadow shadow = new Shadow("s" + (nextId.get() + 1), author, request);
    List<Class<?>> classes = new ArrayList<>();
    for (Map.Entry<Class<?>, List<String>> entry : candidate.changedMethods().entrySet()) {
      Class<?> type = entry.getKey();
      Set<String> keys = new LinkedHashSet<>(entry.getValue());
      Map<String, MethodHandle> next =
          CandidateClass.define(type, candidate.changed().get(type), keys);
      Map<String, MethodHandle> old =
          CandidateClass.define(type, candidate.running().get(type), keys);
      for (String key : keys) {
        String name = key.substring(0, key.indexOf(' '));
        String descriptor = key.substring(key.indexOf(' ') + 1);
        boolean isStatic = Parameters.isStatic(candidate.running().get(type), name, descriptor);
        MethodHandle expect =
            request.expect() == null
                ? null
                : ProbeExpressions.condition(
                    type,
                    isStatic,
                    Parameters.of(candidate.running().get(type), name, descriptor, isStatic),
                    null,
                    false,
                    request.expect(),
                    false);
        shadow.sites.add(
            new ShadowSite(
                shadow,
                -1,
                type,
                name,
                descriptor,
                Parameters.display(name, descriptor),
                next.get(key),
                old.get(key),
                expect));
      }
      classes.add(type);
    }
    placeSites(shadow);
    try {
      pipeline.retransformTogether(classes);
    } catch (Throwable e) {
      removeSites(shadow);
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the shadow's advice could not be woven, and nothing changed: " + e,
          "remove the probes on these methods (`jlive probe list`) and try again; please report"
              + " the error as a jlive bug");
    }
    nextId.incrementAndGet();
    shadows.put(shadow.id, shadow);
    timer.schedule(() -> expire(shadow), request.duration().toMillis(), TimeUnit.MILLISECONDS);
    log.log(
        System.Logger.Level.INFO,
        "shadow {0} started by {1} on {2}",
        shadow.id,
        author,
        shadow.sites.stream().map(ShadowSite::display).toList());
    return shadow.report();
  }

  public synchronized ShadowReport report(String id) {
    return find(id).report();
  }

  public synchronized List<ShadowReport> list() {
    return shadows.values().stream().map(Shadow::report).toList();
  }

  public synchronized boolean has(String id) {
    return shadows.containsKey(id);
  }

  public synchronized ShadowReport drop(String id, String why) {
    Shadow shadow = find(id);
    if (shadow.isRunning()) {
      end(shadow, "dropped", why);
    }
    return shadow.report();
  }

  /**
   * Installs the candidate as an ordinary patch, through the patch's own safe point, then ends the
   * shadow. If the patch is refused the shadow runs on.
   */
  public synchronized PatchResult promote(String id, String author) {
    Shadow shadow = find(id);
    if (!shadow.isRunning()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "shadow " + id + " has ended (" + shadow.state + ": " + shadow.endedWhy + ")",
          "start a new shadow, or apply the patch with `jlive patch`");
    }
    PatchResult result = patches.apply(shadow.request.patch(), author);
    end(shadow, "promoted", "promoted to patch " + result.id() + " by " + author);
    return result;
  }

  private Shadow find(String id) {
    Shadow shadow = shadows.get(id);
    if (shadow == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "no shadow " + id,
          "`jlive shadow PID` lists the shadows and their ids");
    }
    return shadow;
  }

  private void expire(Shadow shadow) {
    synchronized (this) {
      if (shadow.isRunning()) {
        try {
          end(shadow, "expired", "its duration of " + shadow.request.duration() + " is over");
        } catch (RuntimeException e) {
          log.log(System.Logger.Level.ERROR, "could not end shadow " + shadow.id, e);
        }
      }
    }
  }

  private void end(Shadow shadow, String state, String why) {
    shadow.state = state;
    shadow.endedWhy = why;
    removeSites(shadow);
    try {
      pipeline.retransformTogether(
          shadow.sites.stream().<Class<?>>map(ShadowSite::type).distinct().toList());
    } catch (Throwable e) {
      // The advice stays woven, but its sites are gone: every call passes through it at once.
      log.log(System.Logger.Level.WARNING, "shadow " + shadow.id + ": advice not taken out", e);
    }
    log.log(System.Logger.Level.INFO, "shadow {0} {1}: {2}", shadow.id, state, why);
  }

  private void placeSites(Shadow shadow) {
    ShadowSite[] table = sites;
    List<ShadowSite> placed = new ArrayList<>();
    int slot = 0;
    for (ShadowSite site : shadow.sites) {
      while (slot < table.length && table[slot] != null) {
        slot++;
      }
      if (slot == table.length) {
        if (table.length >= MAX_SITES) {
          throw new JLiveException(
              ErrorCode.CONFLICT,
              "too many shadowed methods at once (" + MAX_SITES + ")",
              "drop shadows that are no longer needed (`jlive revert PID ID`)");
        }
        ShadowSite[] larger = new ShadowSite[table.length * 2];
        System.arraycopy(table, 0, larger, 0, table.length);
        table = larger;
      }
      ShadowSite numbered =
          new ShadowSite(
              shadow,
              slot,
              site.type(),
              site.name(),
              site.descriptor(),
              site.display(),
              site.candidate(),
              site.old(),
              site.expect());
      table[slot] = numbered;
      placed.add(numbered);
    }
    shadow.sites.clear();
    shadow.sites.addAll(placed);
    sites = table;
  }

  private void removeSites(Shadow shadow) {
    ShadowSite[] table = sites.clone();
    for (ShadowSite site : shadow.sites) {
      if (site.slot() >= 0 && site.slot() < table.length && table[site.slot()] == site) {
        table[site.slot()] = null;
      }
    }
    sites = table;
  }

  // ---- called through the bridge, on the application's threads: never throw, never block ----

  /** 0 when the call is not shadowed, else its start time (never 0). */
  public long admit(int slot) {
    if (Thread.currentThread() instanceof Worker) {
      return 0L;
    }
    ShadowSite[] table = sites;
    ShadowSite site = slot >= 0 && slot < table.length ? table[slot] : null;
    if (site == null) {
      return 0L;
    }
    int every = site.shadow().request.sampleEvery();
    if (every > 1 && ThreadLocalRandom.current().nextInt(every) != 0) {
      return 0L;
    }
    long now = System.nanoTime();
    return now == 0L ? 1L : now;
  }

  public void exit(
      int slot, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    long originalNanos = System.nanoTime() - token;
    ShadowSite[] table = sites;
    ShadowSite site = slot >= 0 && slot < table.length ? table[slot] : null;
    if (site == null || !site.shadow().isRunning()) {
      return;
    }
    Shadow shadow = site.shadow();
    shadow.sampled.increment();
    try {
      runs.execute(() -> compare(site, self, args, new Outcome(returned, thrown, originalNanos)));
    } catch (RejectedExecutionException full) {
      shadow.dropped.increment();
    }
  }

  // ---- on the worker ----

  private static void compare(ShadowSite site, Object self, Object[] args, Outcome original) {
    Shadow shadow = site.shadow();
    if (!shadow.isRunning()) {
      return;
    }
    try {
      Outcome candidate = run(site.candidate(), self, args);
      if (candidate.threw() && !original.threw()) {
        shadow.recordCandidateException(site, args, candidate.thrown());
      }
      if (shadow.wantsNoiseRun()) {
        Outcome again = run(site.old(), self, args);
        shadow.noiseRuns.increment();
        shadow.noisyPaths.addAll(OutcomeDiff.between(original, again));
      }
      Set<String> paths = OutcomeDiff.between(original, candidate);
      shadow.compared.increment();
      shadow.recordLatency(original.nanos(), candidate.nanos());
      if (!paths.isEmpty()) {
        shadow.recordDifference(site, paths, expected(site, self, args), args, original, candidate);
      }
    } catch (Throwable t) {
      shadow.recordFailure(t.toString());
    }
  }

  private static Outcome run(MethodHandle copy, Object self, Object[] args) {
    long start = System.nanoTime();
    try {
      Object value = (Object) copy.invokeExact(self, args);
      return new Outcome(value, null, System.nanoTime() - start);
    } catch (Throwable t) {
      return new Outcome(null, t, System.nanoTime() - start);
    }
  }

  /** Whether --expect holds for the call; false without one, or when it fails. */
  private static boolean expected(ShadowSite site, Object self, Object[] args) {
    if (site.expect() == null) {
      return false;
    }
    try {
      return (boolean) site.expect().invokeExact(self, args, (Object) null, (Throwable) null);
    } catch (Throwable t) {
      site.shadow().recordFailure("--expect failed: " + t);
      return false;
    }
  }

  // ---- weaving ----

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    return false;
  }

  @Override
  public List<Weaving> weavingsFor(
      ClassLoader loader,
      String className,
      Class<?> loaded,
      Supplier<TypeDescription> description) {
    if (loaded == null) {
      return List.of();
    }
    List<Weaving> weavings = new ArrayList<>();
    for (ShadowSite site : sites) {
      if (site != null && site.type() == loaded) {
        AsmVisitorWrapper visitor =
            Advice.withCustomMapping()
                .bind(ShadowAdvice.Slot.class, site.slot())
                .to(ShadowAdvice.class)
                .on(
                    ElementMatchers.<MethodDescription>named(site.name())
                        .and(ElementMatchers.hasDescriptor(site.descriptor())));
        weavings.add(() -> visitor);
      }
    }
    return weavings;
  }
}
