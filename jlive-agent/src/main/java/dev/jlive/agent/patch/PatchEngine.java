package dev.jlive.agent.patch;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.probe.MethodMatch;
import dev.jlive.agent.safepoint.BodySwitch;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.safepoint.QuiescentSwap;
import dev.jlive.agent.safepoint.SafepointTimeout;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.LedgerState;
import dev.jlive.protocol.patch.PatchDetail;
import dev.jlive.protocol.patch.PatchList;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.PatchedClass;
import dev.jlive.protocol.patch.RevertResult;
import dev.jlive.protocol.patch.SafepointMode;
import dev.jlive.protocol.patch.SafepointReport;
import dev.jlive.protocol.probe.MethodSelector;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Gives loaded classes new method bodies, from Java source compiled in the target or from class
 * files, and takes them back.
 *
 * <p>A patch never calls {@code redefineClasses}: it becomes the class's base bytes in the one
 * class pipeline ({@link #baseBytes}), and the classes are retransformed, all of one patch in a
 * single call, so the JVM swaps them together or not at all. Probes are woven on top of the new
 * bytes, so they stay in place across a patch and its revert. Patches stack per class; a revert
 * takes back the newest patch of each of its classes (an older one cannot be taken out from under a
 * newer one that was built on it).
 */
public final class PatchEngine implements WeavingSource {
  /**
   * Whether a swap may merge old and new bodies behind the gate's switch (one retransformation).
   * Off, every swap takes the two retransformations of the gate-then-code swap. It was off while a
   * line probe missed its event in a merged method's new body (woven into the first body only;
   * LineWeaving now weaves each body).
   */
  private static final boolean ONE_STEP_SWAP = true;

  private final Instrumentation instrumentation;
  private final ClassPipeline pipeline;
  private final ChangeLedger ledger;
  private final System.Logger log;
  private final Gates gates;
  private final QuiescentSwap swapper;
  // Oldest first: the list shows them so, and stop() takes them back newest first.
  private final Map<String, Patch> patches = new LinkedHashMap<>();
  private final Map<String, Deque<Layer>> layers = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final PatchSourceLog sources = new PatchSourceLog();

  /**
   * Per class, while a safe point waits: its old and new bodies behind the gate's switch, which the
   * pipeline weaves instead of the newest layer.
   */
  private final Map<String, Layer> switching = new ConcurrentHashMap<>();

  /** Takes gates and old bodies out after switched swaps. */
  private final SwapCleanUps cleanUps;

  /** One class's bytes as a patch left them. */
  private record Layer(String patchId, Class<?> type, byte[] bytes) {}

  /** A patch as applied: per class, its diff. */
  private record Patch(
      String id,
      String author,
      Instant appliedAt,
      String digest,
      List<Class<?>> classes,
      List<ClassDiff> diffs,
      SafepointMode safepoint,
      List<String> also) {}

  /** How a patch's safe point went, and over which methods. */
  private record Swapped(SafepointReport report, List<String> quiescenceSet) {}

  /** How long a revert waits for its safe point. */
  private static final Duration REVERT_TIMEOUT = Duration.ofSeconds(5);

  public PatchEngine(
      Instrumentation instrumentation,
      ClassPipeline pipeline,
      ChangeLedger ledger,
      Gates gates,
      System.Logger log) {
    this.instrumentation = instrumentation;
    this.pipeline = pipeline;
    this.ledger = ledger;
    this.gates = gates;
    this.swapper = new QuiescentSwap(gates, log);
    this.cleanUps = new SwapCleanUps(pipeline, log, this);
    this.log = log;
  }

  public void start() {
    pipeline.addSource(this);
    pipeline.addSource(gates);
  }

  /** Takes back every patch, newest first. */
  public synchronized void stop() {
    List<String> ids = new ArrayList<>(patches.keySet());
    for (int i = ids.size() - 1; i >= 0; i--) {
      try {
        revert(ids.get(i), "agent stopped", true);
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "could not revert patch " + ids.get(i), e);
      }
    }
    cleanUps.stop();
    pipeline.removeSource(this);
  }

  // ---- applying ----

  public synchronized PatchResult apply(PatchRequest request, String author) {
    if (!instrumentation.isRetransformClassesSupported()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "this JVM cannot change loaded classes (no retransformation support)",
          "patch by restarting with the fixed build");
    }
    PatchClock clock = new PatchClock();
    Compared compared = compare(request, clock);
    List<Class<?>> classes = compared.classes();
    List<ClassDiff> diffs = compared.diffs();
    Map<Class<?>, byte[]> changed = compared.changed();
    String compiler = compared.compiler();
    String digest = digest(request);
    if (request.dryRun()) {
      return PatchResult.dryRun(digest, patchedClasses(classes, diffs), compiler)
          .withPhases(clock.phases());
    }
    // Weave first, off to the side: a failure here must not leave half of the patch applied.
    long weaving = System.nanoTime();
    for (Map.Entry<Class<?>, byte[]> entry : changed.entrySet()) {
      try {
        pipeline.preview(entry.getKey(), entry.getValue());
      } catch (RuntimeException e) {
        throw wovenPatchRefused(entry.getKey(), e);
      }
    }
    clock.add(PatchClock.Phase.WOVEN, System.nanoTime() - weaving);
    // The id is taken only once the classes are swapped: a patch refused at its safe point (time
    // out, failed check) does not use one up, so ids count the patches that were made. apply is
    // synchronized, so nobody else can take the same one in between.
    String id = "x" + (nextId.get() + 1);
    Swapped swapped;
    if (request.immediate()) {
      long swapping = System.nanoTime();
      swap(id, changed, classes, () -> {});
      clock.add(PatchClock.Phase.SWAPPED, System.nanoTime() - swapping);
      swapped = new Swapped(SafepointReport.IMMEDIATE, List.of());
    } else {
      swapped = atSafepoint(id, request, changed, classes, diffs, clock);
    }
    nextId.incrementAndGet();
    long recording = System.nanoTime();
    SafepointMode safepoint = swapped.report().mode();
    patches.put(
        id,
        new Patch(
            id,
            author,
            Instant.now(),
            digest,
            classes,
            diffs,
            safepoint,
            request.immediate() ? List.of() : List.copyOf(request.also())));
    sources.add(id, request);
    ledger.record(
        id,
        ChangeKind.PATCH,
        describe(diffs) + " (" + JsonObject.wireName(safepoint) + ", " + digest + ")",
        author,
        LedgerState.ACTIVE);
    clock.add(PatchClock.Phase.RECORDED, System.nanoTime() - recording);
    return PatchResult.applied(
            id,
            digest,
            patchedClasses(classes, diffs),
            compiler,
            swapped.report(),
            swapped.quiescenceSet())
        .withPhases(clock.phases());
  }

  /**
   * A candidate patch, compiled and compared with the running code, and not installed.
   *
   * @param changed per class whose methods it changes, the candidate's bytes
   * @param running per such class, the bytes it runs now without probes
   * @param changedMethods per such class, its changed methods as "name descriptor"
   */
  public record Candidate(
      Map<Class<?>, byte[]> changed,
      Map<Class<?>, byte[]> running,
      Map<Class<?>, List<String>> changedMethods,
      String compiler) {}

  /**
   * Compiles and compares a patch as {@link #apply} does, refusing it for the same reasons, and
   * installs nothing: for shadow runs, which load the candidate beside the running code.
   */
  public synchronized Candidate candidate(PatchRequest request) {
    Compared compared = compare(request, new PatchClock());
    Map<Class<?>, byte[]> running = new TreeMap<>(PatchInputs.BY_NAME);
    Map<Class<?>, List<String>> methods = new TreeMap<>(PatchInputs.BY_NAME);
    for (int i = 0; i < compared.classes().size(); i++) {
      Class<?> type = compared.classes().get(i);
      running.put(type, runningBase(type));
      methods.put(type, compared.diffs().get(i).changedKeys());
    }
    return new Candidate(compared.changed(), running, methods, compared.compiler());
  }

  /** What a patch changes, class by class, once its inputs were read and checked. */
  private record Compared(
      List<Class<?>> classes,
      List<ClassDiff> diffs,
      Map<Class<?>, byte[]> changed,
      String compiler) {}

  private Compared compare(PatchRequest request, PatchClock clock) {
    long reading = System.nanoTime();
    PatchInputs.Inputs inputs =
        new PatchInputs(instrumentation, pipeline.loadedClasses(), this::runningBase, log, clock)
            .read(request);
    clock.add(
        PatchClock.Phase.READ,
        System.nanoTime() - reading - clock.nanos(PatchClock.Phase.COMPILED));
    long checking = System.nanoTime();
    Map<Class<?>, byte[]> candidates = inputs.classes();
    String compiler = inputs.compiler();
    List<Class<?>> classes = new ArrayList<>();
    List<ClassDiff> diffs = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    Map<Class<?>, byte[]> changed = new TreeMap<>(PatchInputs.BY_NAME);
    for (Map.Entry<Class<?>, byte[]> candidate : candidates.entrySet()) {
      Class<?> type = candidate.getKey();
      byte[] running = runningBase(type);
      byte[] bytes;
      ClassShape patched;
      Set<String> same;
      try {
        // A big class's patch with the running class's constants first: every later
        // retransformation of the class (the clean-up, a probe's add and removal) starts from these
        // bytes, and the methods it does not change are known by their code, without texts.
        bytes = PoolOrder.alignedTo(running, candidate.getValue());
        same = ClassShape.sameMethods(running, bytes);
        patched = ClassShape.of(bytes, same);
      } catch (RuntimeException e) {
        throw PatchInputs.notAClassFile("the class file of " + type.getName(), e);
      }
      ClassDiff diff = ClassDiff.between(ClassShape.of(running, same), patched);
      if (!diff.refused().isEmpty()) {
        refusals.add(type.getName() + ": " + String.join("; ", diff.refused()));
      } else if (!diff.changedMethods().isEmpty()) {
        classes.add(type);
        diffs.add(diff);
        changed.put(type, bytes);
      }
    }
    if (!refusals.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the JVM can only change method bodies, and this patch " + String.join(" | ", refusals),
          "keep every field, method, signature, modifier, superclass and interface as it is; "
              + "a change of shape needs a restart");
    }
    if (changed.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          NO_CHANGE + " of " + candidates.keySet().stream().map(Class::getName).toList(),
          "nothing to do: the running code is already like this");
    }
    clock.add(PatchClock.Phase.CHECKED, System.nanoTime() - checking);
    return new Compared(classes, diffs, changed, compiler);
  }

  /** How a patch that changes nothing is refused: the end of {@link #readAndCheck}'s path. */
  private static final String NO_CHANGE = "the patch changes no method";

  private static final String WOVEN_CODE_REFUSED =
      "jlive's woven code (a probe, the gate) did not pass the JVM's verifier: remove the "
          + "probes on these methods (`jlive probe list`, `jlive probe rm`) and try again, or use --safepoint immediate; "
          + "please report the error as a jlive bug";

  /**
   * Why the patched code cannot take jlive's own woven code (probes, safe-point gates); nothing was
   * changed yet.
   */
  private static JLiveException wovenPatchRefused(Class<?> type, Exception e) {
    String why = String.valueOf(e.getMessage());
    if (tooLarge(e)) {
      return new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the patch of "
              + type.getName()
              + " is refused, nothing changed: with the code "
              + "jlive weaves in (probes, the safe-point gate) a method would pass the JVM's limit of 65535 bytes of bytecode: "
              + why,
          "make the patched method smaller, or remove the probes on it (`jlive probe rm`)");
    }
    return new JLiveException(
        ErrorCode.INTERNAL_ERROR,
        "the patch of "
            + type.getName()
            + " is refused, nothing changed: the probes "
            + "and safe-point gate could not be woven into the patched code: "
            + e,
        "remove the probes on it (`jlive probe rm`) and patch again");
  }

  /** ASM's MethodTooLargeException, as thrown or as the reason the pipeline gives for a class. */
  private static boolean tooLarge(Exception e) {
    return e.getClass().getSimpleName().contains("TooLarge")
        || String.valueOf(e.getMessage()).contains("Method too large");
  }

  /**
   * Pushes the new bytes, runs {@code staged} (the safe point takes its gate out there), and
   * retransforms all classes in one JVM call; on failure nothing changed.
   */
  private void swap(
      String id, Map<Class<?>, byte[]> changed, List<Class<?>> classes, Runnable staged) {
    push(id, changed);
    try {
      staged.run();
      retransformTogether(classes);
    } catch (Throwable e) {
      changed.keySet().forEach(type -> layers.get(key(type)).pop());
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the JVM refused the patch, and nothing changed: " + e,
          "a VerifyError names the method and why the JVM rejected it: if probes are woven into that method (`jlive probe list`), "
              + "remove them, patch again and report the error as a jlive bug; otherwise the new code does not fit this JVM "
              + "(class file version, missing dependencies)");
    }
  }

  /**
   * Retransforms the classes in one call, from their layers or a new merge: pending clean-ups of
   * earlier swaps of these classes have nothing left to do.
   */
  private void retransformTogether(List<Class<?>> classes) throws UnmodifiableClassException {
    pipeline.retransformTogether(classes);
    cleanUps.retransformed(classes);
  }

  /** Makes the new bytes the classes' base for every later retransformation. */
  private void push(String id, Map<Class<?>, byte[]> changed) {
    for (Map.Entry<Class<?>, byte[]> entry : changed.entrySet()) {
      Class<?> type = entry.getKey();
      Deque<Layer> stack = layers.get(key(type));
      if (stack == null) {
        stack = new ArrayDeque<>();
        layers.put(key(type), stack);
      }
      stack.push(new Layer(id, type, entry.getValue()));
    }
  }

  /** Swaps at a quiescent safe point of the changed methods; constructors cannot wait at a gate. */
  private Swapped atSafepoint(
      String id,
      PatchRequest request,
      Map<Class<?>, byte[]> changed,
      List<Class<?>> classes,
      List<ClassDiff> diffs,
      PatchClock clock) {
    List<QuiescentSwap.Member> set = members(classes, diffs);
    List<Class<?>> gated = new ArrayList<>(classes);
    widen(set, gated, alsoMembers(request.also()));
    long checking = System.nanoTime();
    BooleanSupplier check =
        request.check() != null
            ? compileCheck(request.check(), classes.get(0))
            : request.checkClass() != null
                ? SafepointChecks.instantiate(request.checkClass(), classes.get(0).getClassLoader())
                : null;
    clock.add(PatchClock.Phase.CHECKED, System.nanoTime() - checking);
    long running = System.nanoTime();
    long wovenBefore = clock.nanos(PatchClock.Phase.WOVEN);
    try {
      SafepointReport report =
          swapper.run(
              set,
              check,
              request.timeout(),
              new Applying(id, changed, gated, changedMethods(classes, diffs), clock));
      clock.add(
          PatchClock.Phase.WAITED,
          System.nanoTime()
              - running
              - clock.nanos(PatchClock.Phase.SWAPPED)
              - clock.nanos(PatchClock.Phase.UNWOVEN)
              - (clock.nanos(PatchClock.Phase.WOVEN) - wovenBefore));
      Set<String> quiescenceSet = new LinkedHashSet<>();
      for (QuiescentSwap.Member member : set) {
        quiescenceSet.add(member.type().getName() + "#" + member.name());
      }
      return new Swapped(report, List.copyOf(quiescenceSet));
    } catch (SafepointTimeout timeout) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          timeout.getMessage()
              + "; nothing was changed. Blocking: "
              + (timeout.blockers().isEmpty()
                  ? "none seen at the end"
                  : String.join("; ", timeout.blockers())),
          "raise --timeout, add a --check that waits for a better moment, or use --safepoint immediate if a call "
              + "may run old and new code");
    } catch (JLiveException e) {
      throw e;
    } catch (LinkageError e) {
      // A VerifyError: the JVM would not take the classes with the safe-point gate woven in.
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the JVM refused the classes with the patch's safe-point gate woven in, "
              + "and nothing was changed: "
              + e,
          WOVEN_CODE_REFUSED);
    } catch (Exception e) {
      if (tooLarge(e)) {
        throw wovenPatchRefused(classes.get(0), e);
      }
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the safe point failed, and nothing was changed: " + e,
          "see the agent log");
    }
  }

  /** Adds the --also methods to the set, and their classes to those woven with the gate. */
  private static void widen(
      List<QuiescentSwap.Member> set, List<Class<?>> gated, List<QuiescentSwap.Member> also) {
    for (QuiescentSwap.Member member : also) {
      if (!set.contains(member)) {
        set.add(member);
      }
      if (!gated.contains(member.type())) {
        gated.add(member.type());
      }
    }
  }

  /** The changed methods of a patch; constructors and static initialisers cannot wait at a gate. */
  private static List<QuiescentSwap.Member> members(List<Class<?>> classes, List<ClassDiff> diffs) {
    List<QuiescentSwap.Member> set = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      for (String key : diffs.get(i).changedKeys()) {
        String name = key.substring(0, key.indexOf(' '));
        if (!name.equals("<init>") && !name.equals("<clinit>")) {
          set.add(
              new QuiescentSwap.Member(classes.get(i), name, key.substring(key.indexOf(' ') + 1)));
        }
      }
    }
    return set;
  }

  /** The methods that --also selectors name: every loaded, concrete method they match. */
  private List<QuiescentSwap.Member> alsoMembers(List<String> selectors) {
    List<QuiescentSwap.Member> members = new ArrayList<>();
    for (String text : selectors) {
      MethodSelector selector = MethodSelector.parse(text);
      int before = members.size();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        if (!ClassSearch.isVisible(type)
            || !selector.classes().matches(type.getName())
            || !instrumentation.isModifiableClass(type)) {
          continue;
        }
        for (MethodDescription.InDefinedShape method :
            TypeDescription.ForLoadedType.of(type).getDeclaredMethods()) {
          if (!method.isConstructor()
              && !method.isTypeInitializer()
              && !method.isAbstract()
              && !method.isNative()
              && MethodMatch.matches(selector, method)) {
            members.add(new QuiescentSwap.Member(type, method.getName(), method.getDescriptor()));
          }
        }
      }
      if (members.size() == before) {
        throw new JLiveException(
            ErrorCode.CLASS_NOT_FOUND,
            "--also " + text + " matches no loaded method",
            "name loaded methods, e.g. com.acme.Cache#* for every method of a class");
      }
    }
    return members;
  }

  /**
   * A --check expression: compiled like a probe condition, in the package of the patched class,
   * with no variables.
   */
  private static BooleanSupplier compileCheck(String expression, Class<?> context) {
    MethodHandle handle =
        ProbeExpressions.condition(context, true, List.of(), null, false, expression, false);
    return () -> {
      try {
        return (boolean)
            handle.invokeExact((Object) null, new Object[0], (Object) null, (Throwable) null);
      } catch (Throwable t) {
        return false;
      }
    };
  }

  /**
   * The bytes the class runs without probes: its newest patch, or the class file it was loaded
   * from.
   */
  private byte[] runningBase(Class<?> type) {
    Deque<Layer> stack = layers.get(key(type));
    if (stack != null && !stack.isEmpty()) {
      return stack.peek().bytes();
    }
    return classFile(type);
  }

  /** The bytes the class runs without its newest patch: what reverting that patch installs. */
  private byte[] baseUnderTop(Class<?> type) {
    Iterator<Layer> stack = layers.get(key(type)).iterator();
    stack.next();
    return stack.hasNext() ? stack.next().bytes() : classFile(type);
  }

  private static byte[] classFile(Class<?> type) {
    try {
      ClassFileLocator locator =
          type.getClassLoader() == null
              ? ClassFileLocator.ForClassLoader.ofBootLoader()
              : ClassFileLocator.ForClassLoader.of(type.getClassLoader());
      return locator.locate(type.getName()).resolve();
    } catch (IOException | IllegalStateException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the class file of " + type.getName() + " cannot be read: " + e.getMessage(),
          "jlive needs it to compare the patch against");
    }
  }

  /** Per class, its changed methods as "name descriptor". */
  private static Map<Class<?>, List<String>> changedMethods(
      List<Class<?>> classes, List<ClassDiff> diffs) {
    Map<Class<?>, List<String>> methods = new LinkedHashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      methods.put(classes.get(i), diffs.get(i).changedKeys());
    }
    return methods;
  }

  /**
   * The safe point's actions for one change of code, a patch ({@link Applying}) or its revert
   * ({@link Reverting}). The gate goes in with both bodies of each changed method behind its switch
   * where they can be merged, so that the swap is the switch; otherwise with the old code alone,
   * and the swap is a second retransformation.
   *
   * <p>Subclasses rather than functions passed in: each lambda is a call site the JVM links the
   * first time it runs, about a quarter of a millisecond of CPU in a JVM's first patch
   * (docs/BENCHMARKS.md, section 62).
   */
  private abstract class GatedSwap implements QuiescentSwap.Actions {
    final List<Class<?>> gated;
    private final Map<Class<?>, List<String>> methods;
    private final boolean mayMerge;
    private final PatchClock clock;

    /**
     * @param gated the classes the gate is woven into: the changed ones and the --also ones, whose
     *     gate goes out with the swap too
     * @param methods per changed class, its changed methods as "name descriptor"
     */
    GatedSwap(
        List<Class<?>> gated,
        Map<Class<?>, List<String>> methods,
        boolean mayMerge,
        PatchClock clock) {
      this.gated = gated;
      this.methods = methods;
      this.mayMerge = mayMerge;
      this.clock = clock;
    }

    /** The bytes the changed class runs after the swap, without probes. */
    abstract byte[] target(Class<?> type);

    /** Makes the target bytes the classes' base. */
    abstract void makeTargetTheBase();

    /**
     * The swap when the bodies are not merged: make the target the base, run {@code gateOut},
     * retransform, and on failure take the base back.
     */
    abstract void swapByRetransforming(Runnable gateOut);

    @Override
    public boolean weaveGate(int gate) throws Exception {
      long start = System.nanoTime();
      try {
        if (mayMerge && merge(gate)) {
          try {
            retransformTogether(gated);
            return true;
          } catch (Exception | LinkageError e) {
            log.log(
                System.Logger.Level.WARNING,
                "the JVM refused old and new bodies behind the gate's switch, so the swap takes a"
                    + " second retransformation: "
                    + e);
            dropMerged();
          }
        }
        retransformTogether(gated);
        return false;
      } finally {
        clock.add(PatchClock.Phase.WOVEN, System.nanoTime() - start);
      }
    }

    /**
     * @return true when every changed class has its merged bytes in {@link #switching}
     */
    private boolean merge(int gate) {
      Map<String, Layer> merged = new LinkedHashMap<>();
      for (Map.Entry<Class<?>, List<String>> entry : methods.entrySet()) {
        Class<?> type = entry.getKey();
        byte[] bytes;
        try {
          bytes =
              BodySwitch.merge(runningBase(type), target(type), Set.copyOf(entry.getValue()), gate);
        } catch (RuntimeException e) {
          log.log(
              System.Logger.Level.WARNING,
              "could not merge old and new bodies of " + type.getName() + ": " + e);
          bytes = null;
        }
        if (bytes == null) {
          return false;
        }
        merged.put(key(type), new Layer("switch", type, bytes));
      }
      switching.putAll(merged);
      return true;
    }

    private void dropMerged() {
      for (Class<?> type : methods.keySet()) {
        switching.remove(key(type));
      }
    }

    @Override
    public void unweaveGate() throws Exception {
      long start = System.nanoTime();
      dropMerged();
      retransformTogether(gated);
      clock.add(PatchClock.Phase.UNWOVEN, System.nanoTime() - start);
    }

    @Override
    public void swap(Runnable gateOut) {
      long start = System.nanoTime();
      swapByRetransforming(gateOut);
      clock.add(PatchClock.Phase.SWAPPED, System.nanoTime() - start);
    }

    @Override
    public void commit() {
      long start = System.nanoTime();
      makeTargetTheBase();
      dropMerged();
      clock.add(PatchClock.Phase.SWAPPED, System.nanoTime() - start);
    }

    @Override
    public void cleanUp(Runnable done) {
      cleanUps.schedule(gated, done);
    }
  }

  /** A patch going in: its classes run the patch's bytes after the swap. */
  private final class Applying extends GatedSwap {
    private final String id;
    private final Map<Class<?>, byte[]> changed;

    Applying(
        String id,
        Map<Class<?>, byte[]> changed,
        List<Class<?>> gated,
        Map<Class<?>, List<String>> methods,
        PatchClock clock) {
      super(gated, methods, ONE_STEP_SWAP, clock);
      this.id = id;
      this.changed = changed;
    }

    @Override
    byte[] target(Class<?> type) {
      return changed.get(type);
    }

    @Override
    void makeTargetTheBase() {
      push(id, changed);
    }

    @Override
    void swapByRetransforming(Runnable gateOut) {
      PatchEngine.this.swap(id, changed, gated, gateOut);
    }
  }

  /** A patch going out: its classes run what was under it. */
  private final class Reverting extends GatedSwap {
    private final Patch patch;

    Reverting(Patch patch, List<Class<?>> gated, boolean mayMerge) {
      super(gated, changedMethods(patch.classes(), patch.diffs()), mayMerge, new PatchClock());
      this.patch = patch;
    }

    @Override
    byte[] target(Class<?> type) {
      return baseUnderTop(type);
    }

    @Override
    void makeTargetTheBase() {
      for (Class<?> type : patch.classes()) {
        layers.get(key(type)).pop();
      }
    }

    @Override
    void swapByRetransforming(Runnable gateOut) {
      unswap(patch, gated, gateOut);
    }
  }

  /**
   * Runs a class-file patch's steps off to the side before any patch needs them ({@link
   * ClassFileWarmUp}), reads and checks a patch as {@link #apply} does ({@link #readAndCheck}), and
   * starts the swaps' clean-up thread; for the idle warm-up after the start.
   *
   * @return what it did, for the log
   */
  public String warmUp() {
    int size = ClassFileWarmUp.run(pipeline, log);
    Class<?> application =
        ClassFileWarmUp.applicationClass(
            instrumentation.getAllLoadedClasses(), ClassSearch::isVisible);
    String checked =
        application == null ? "no application class to read" : readAndCheck(application);
    cleanUps.startThread();
    return size + " bytes merged and woven off to the side; " + checked;
  }

  /**
   * A class-file patch read and checked through {@link #compare}, to its end, with the class's own
   * class file as the patch: the request built, the loaded class looked up, its running class file
   * read through its loader (a jar's URL handler, most often, which nothing of jlive's ran yet),
   * both shapes compared, and the patch's digest taken. A patch that changes nothing is refused
   * there, so nothing is installed. The lookup also learns the class loaders ({@link
   * dev.jlive.agent.weave.LoadedClasses}), with the one scan of the loaded classes it makes. In a
   * JVM's first class-file patch these steps ran cold: docs/BENCHMARKS.md, section 59.
   *
   * @return what became of it, for the log
   */
  private synchronized String readAndCheck(Class<?> application) {
    String name = application.getName();
    try {
      PatchRequest request = PatchRequest.ofClassFiles(List.of(classFile(application))).build();
      // The patch's digest as apply takes it: a JVM's first SHA-256 sets up the JDK's providers.
      digest(request);
      compare(request, new PatchClock());
      log.log(
          System.Logger.Level.WARNING,
          "the warm-up's patch of " + name + " with its own class file changed it");
      return "a patch of " + name + " with its own class file was taken for a change";
    } catch (JLiveException refused) {
      // The end of the path is "the patch changes no method"; a class without a class file, or
      // one that several loaders loaded, stops it earlier.
      return refused.code() == ErrorCode.BAD_REQUEST && refused.getMessage().startsWith(NO_CHANGE)
          ? "a patch of " + name + " read and checked"
          : "a patch of " + name + " stopped early: " + refused.getMessage();
    }
  }

  /** The active patches, oldest first. */
  public synchronized PatchList list() {
    List<PatchDetail> list = new ArrayList<>();
    patches.keySet().forEach(id -> list.add(diff(id)));
    return new PatchList(list);
  }

  /**
   * The sources of the recent source patches, reverted ones too, oldest first: see {@link
   * PatchSourceLog} for how many are kept.
   */
  public List<Map<String, Object>> sources() {
    return sources.toJson();
  }

  /**
   * @param force true when the agent stops: if no safe point comes, revert anyway, since the agent
   *     must leave nothing behind
   */
  public synchronized RevertResult revert(String id, String why, boolean force) {
    Patch patch = patches.get(id);
    if (patch == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "no active patch " + id, "`jlive changes` lists the changes");
    }
    for (Class<?> type : patch.classes()) {
      Layer top = layers.get(key(type)).peek();
      if (top != null && !top.patchId().equals(id)) {
        throw new JLiveException(
            ErrorCode.CONFLICT,
            "patch " + top.patchId() + " changed " + type.getName() + " after " + id,
            "revert " + top.patchId() + " first");
      }
    }
    SafepointReport safepointReport = SafepointReport.IMMEDIATE;
    if (patch.safepoint() == SafepointMode.IMMEDIATE) {
      unswap(patch);
    } else {
      // The way back needs the same guarantee as the way in, over the same set (--also included):
      // no call may run half new, half old.
      List<QuiescentSwap.Member> set = members(patch.classes(), patch.diffs());
      List<Class<?>> gated = new ArrayList<>(patch.classes());
      try {
        widen(set, gated, alsoMembers(patch.also()));
      } catch (JLiveException e) {
        log.log(
            System.Logger.Level.WARNING,
            "reverting " + id + " with the changed methods only: " + e.getMessage());
      }
      try {
        safepointReport =
            swapper.run(
                set,
                null,
                REVERT_TIMEOUT,
                new Reverting(
                    patch,
                    gated,
                    // At stop the bridge goes with the agent, and merged code that cannot ask its
                    // switch runs the old body, here the patch's: the way out takes two steps.
                    ONE_STEP_SWAP && !force));
      } catch (SafepointTimeout timeout) {
        if (!force) {
          throw new JLiveException(
              ErrorCode.CONFLICT,
              "cannot revert "
                  + id
                  + ": "
                  + timeout.getMessage()
                  + "; it stays applied. Blocking: "
                  + String.join("; ", timeout.blockers()),
              "try again when those calls have ended");
        }
        log.log(
            System.Logger.Level.WARNING,
            "reverting " + id + " without a safe point (" + why + "): " + timeout.getMessage());
        unswap(patch);
      } catch (JLiveException e) {
        throw e;
      } catch (LinkageError e) {
        throw new JLiveException(
            ErrorCode.INTERNAL_ERROR,
            "the JVM refused the classes with the safe-point gate woven in, so "
                + id
                + " stays applied: "
                + e,
            WOVEN_CODE_REFUSED);
      } catch (Exception e) {
        throw new JLiveException(
            ErrorCode.INTERNAL_ERROR,
            "the safe point for reverting " + id + " failed: " + e,
            "see the agent log");
      }
    }
    patches.remove(id);
    ledger.update(id, LedgerState.REVERTED, why);
    return new RevertResult(
        id, patch.classes().stream().map(Class::getName).toList(), safepointReport);
  }

  private void unswap(Patch patch) {
    unswap(patch, patch.classes(), () -> {});
  }

  /**
   * Takes the patch's layers off, runs {@code staged}, and retransforms its classes (and {@code
   * alsoRewoven}, which includes them) in one call; on failure it stays applied.
   */
  private void unswap(Patch patch, List<Class<?>> alsoRewoven, Runnable staged) {
    List<Layer> removed = new ArrayList<>();
    patch.classes().forEach(type -> removed.add(layers.get(key(type)).pop()));
    try {
      staged.run();
      retransformTogether(alsoRewoven);
    } catch (Throwable e) {
      for (Layer layer : removed) {
        layers.get(key(layer.type())).push(layer);
      }
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the JVM refused to take back " + patch.id() + ", which stays applied: " + e,
          "the JVM's reason is above; if it is a VerifyError in a method with probes (`jlive probe list`), remove those probes "
              + "and revert again; `jlive changes` shows the patch still active");
    }
  }

  public synchronized PatchDetail diff(String id) {
    Patch patch = patches.get(id);
    if (patch == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "no active patch " + id, "`jlive changes` lists the changes");
    }
    return new PatchDetail(
        id,
        patch.digest(),
        patchedClasses(patch.classes(), patch.diffs()),
        patch.author(),
        patch.appliedAt(),
        patch.safepoint());
  }

  @Override
  public byte[] baseBytes(ClassLoader loader, String className) {
    String key = System.identityHashCode(loader) + "/" + className;
    Layer merged = switching.get(key);
    if (merged != null && merged.type().getClassLoader() == loader) {
      return merged.bytes();
    }
    Deque<Layer> stack = layers.get(key);
    Layer top = stack == null ? null : stack.peek();
    return top == null || top.type().getClassLoader() != loader ? null : top.bytes();
  }

  @Override
  public List<Weaving> weavingsFor(
      ClassLoader loader,
      String className,
      Class<?> loaded,
      Supplier<TypeDescription> description) {
    return List.of();
  }

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    return false;
  }

  private static String key(Class<?> type) {
    return System.identityHashCode(type.getClassLoader()) + "/" + type.getName();
  }

  static List<PatchedClass> patchedClasses(List<Class<?>> classes, List<ClassDiff> diffs) {
    List<PatchedClass> entries = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      entries.add(
          new PatchedClass(
              classes.get(i).getName(),
              ClassLoaders.describe(classes.get(i).getClassLoader()),
              diffs.get(i).changedMethods()));
    }
    return entries;
  }

  private static String describe(List<ClassDiff> diffs) {
    List<String> parts = new ArrayList<>();
    for (ClassDiff diff : diffs) {
      String simple = diff.className().substring(diff.className().lastIndexOf('.') + 1);
      for (String method : diff.changedMethods()) {
        parts.add(simple + "#" + method.substring(0, method.indexOf('(')));
      }
    }
    return "new code for " + String.join(", ", parts);
  }

  private static String digest(PatchRequest request) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (PatchRequest.Source source : request.sources()) {
        sha.update(source.code().getBytes(StandardCharsets.UTF_8));
      }
      if (request.methodSource() != null) {
        sha.update(request.methodSource().getBytes(StandardCharsets.UTF_8));
      }
      for (byte[] bytes : request.classFiles()) {
        sha.update(bytes);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
