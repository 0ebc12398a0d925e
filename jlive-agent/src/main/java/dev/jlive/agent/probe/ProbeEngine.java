package dev.jlive.agent.probe;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.agent.weave.Weaving;
import dev.jlive.agent.weave.WeavingSource;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.LedgerState;
import dev.jlive.protocol.event.EventsAnswer;
import dev.jlive.protocol.metrics.MetricsAnswer;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.probe.ClassReport;
import dev.jlive.protocol.probe.MethodSelector;
import dev.jlive.protocol.probe.ProbeAdded;
import dev.jlive.protocol.probe.ProbeList;
import dev.jlive.protocol.probe.ProbeRemoved;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.probe.ProbeStatus;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Adds, lists and removes probes. It is a {@link WeavingSource}: the class pipeline asks it which
 * advice goes into a class whenever it builds that class's bytes, for a retransformation this
 * engine asked for, or for a class that is loading (wildcard and interface selectors, and probes
 * that wait for their class, pick up classes loaded later this way).
 *
 * <p>Adding is all or nothing per class: each class is retransformed on its own, a class that fails
 * keeps its bytes and is reported, and a probe that installs nowhere is not kept. Turning a probe
 * off (budget, failures, removal) stops it at once through its flag; the engine's own thread then
 * removes its woven code, so an application thread never waits for a retransformation.
 */
public final class ProbeEngine implements WeavingSource {
  private static final long HOUSEKEEPING_MILLIS = 250;

  /** Long enough that one slow first call (class loading, JIT) does not count as a CPU hog. */
  private static final long CPU_WINDOW_NANOS = 2_000_000_000L;

  private final Instrumentation instrumentation;
  private final ClassPipeline pipeline;
  private final ChangeLedger ledger;
  private final System.Logger log;
  private final EventLog events =
      new EventLog(10_000, EventLog.boundFor(Runtime.getRuntime().maxMemory()));
  private final ProbeOutputs outputs;
  private final ProbeDispatcher dispatcher;
  private final Map<String, Installed> probes = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final ScheduledExecutorService housekeeper;
  private volatile ProbeLimits limits = ProbeLimits.DEFAULT;

  /** The per-call checks' clock: ticks while any probe is installed. */
  private final CoarseClock clock = new CoarseClock(() -> !probes.isEmpty());

  /** A probe and where it is woven. */
  private static final class Installed {
    final Probe probe;
    final ProbeTargets.Resolution resolution;
    final List<Installation> installations = new CopyOnWriteArrayList<>();
    volatile long windowStartNanos = System.nanoTime();
    volatile long windowStartOwnNanos;

    /**
     * The first window pays for class loading and JIT of the probe's own code: it is not judged.
     */
    volatile boolean warmedUp;

    volatile boolean woven = true;

    /** The methods a trace deeper than one level weaves below its root ({@link TraceCallees}). */
    volatile List<TraceCallees.Callee> callees = List.of();

    Installed(Probe probe, ProbeTargets.Resolution resolution) {
      this.probe = probe;
      this.resolution = resolution;
    }
  }

  /** One class a probe is woven into, and the site of each of its methods. */
  private record Installation(
      ClassLoader loader,
      String className,
      List<ProbeSite> sites,
      Map<String, String> descriptors,
      LineTarget line) {
    boolean is(ClassLoader otherLoader, String otherName) {
      return loader == otherLoader && className.equals(otherName);
    }
  }

  public ProbeEngine(
      Instrumentation instrumentation,
      ClassPipeline pipeline,
      ChangeLedger ledger,
      System.Logger log) {
    this(instrumentation, pipeline, ledger, log, ProbeDispatcher::new);
  }

  /**
   * An engine whose dispatcher {@code makeDispatcher} makes: the agent's also routes the bridge's
   * calls that are not probes'.
   */
  public ProbeEngine(
      Instrumentation instrumentation,
      ClassPipeline pipeline,
      ChangeLedger ledger,
      System.Logger log,
      Function<ProbeDispatcher.Wiring, ProbeDispatcher> makeDispatcher) {
    this.instrumentation = instrumentation;
    this.pipeline = pipeline;
    this.ledger = ledger;
    this.log = log;
    this.outputs = new ProbeOutputs(log);
    this.dispatcher = makeDispatcher.apply(new ProbeDispatcher.Wiring(events, outputs));
    this.housekeeper =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "jlive-probes");
              thread.setDaemon(true);
              return thread;
            });
  }

  public void start() {
    clock.start();
    pipeline.addSource(this);
    housekeeper.scheduleWithFixedDelay(
        this::checkBudgets, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS, TimeUnit.MILLISECONDS);
    if (LinkedDispatcherCall.LINKS) {
      housekeeper.execute(this::warmLinks);
    }
  }

  private void warmLinks() {
    try {
      LinkWarmUp.run(dispatcher);
    } catch (Throwable failure) {
      // Only the first probed call's link is slower: say why, and go on.
      log.log(System.Logger.Level.WARNING, "could not link a probe call site ahead", failure);
    }
    String unfolded = SiteDispatchers.unfolded();
    if (unfolded != null) {
      log.log(
          System.Logger.Level.WARNING,
          "probe dispatchers are of an ordinary class, not a hidden one ("
              + unfolded
              + "): probes work the same, each probed call costs a few nanoseconds more."
              + " For the faster path, leave -Djlive.probe.hiddenDispatchers unset and let the"
              + " agent's class loader define hidden classes.");
    }
  }

  /** Removes every probe and restores every class it touched. */
  public void stop() {
    housekeeper.shutdownNow();
    clock.stop();
    for (String id : new ArrayList<>(probes.keySet())) {
      remove(id, "agent stopped");
    }
    dispatcher.unlinkAll();
    pipeline.removeSource(this);
    outputs.close();
  }

  /** The dispatcher the bridge sends probe calls to. */
  public ProbeDispatcher dispatcher() {
    return dispatcher;
  }

  /** Sets the caps on probes; the defaults are {@link ProbeLimits#DEFAULT}. */
  public void limit(ProbeLimits limits) {
    this.limits = limits;
  }

  public ProbeAdded add(ProbeSpec spec, String author) {
    // Matching the selector against every loaded class is the slow part: it runs before taking the
    // engine's lock, so one large add never holds up the adds and removes of other clients.
    ProbeTargets.Resolution resolution =
        ProbeTargets.resolve(instrumentation, spec.selector(), spec.allowJdk());
    return add(spec, author, resolution, null);
  }

  /**
   * A recording: a capture probe at exit ({@code spec}: its selector, condition, sampling, rate,
   * time to live and CPU budget) whose kept calls, returned or thrown, go to {@code recorder}
   * instead of the event log. It is listed and removed as a probe.
   */
  public ProbeAdded addRecording(
      ProbeSpec spec, String author, Function<RecordedMethod, CallRecorder> recorderFor) {
    if (spec.kind() != ProbeSpec.Kind.CAPTURE || spec.point() != ProbeSpec.Point.EXIT) {
      throw new IllegalArgumentException("a recording is a capture probe at exit: " + spec);
    }
    ProbeTargets.Resolution resolution =
        ProbeTargets.resolve(instrumentation, spec.selector(), spec.allowJdk());
    List<RecordedMethod> found = new ArrayList<>();
    for (ProbeTargets.Target target : resolution.targets()) {
      for (MethodDescription method : target.methods()) {
        found.add(
            new RecordedMethod(
                target.type(),
                method.isConstructor() ? "<init>" : method.getName(),
                method.getDescriptor(),
                method.isStatic(),
                target.type().getName() + "#" + ProbeTargets.display(method)));
      }
    }
    if (found.isEmpty()) {
      throw notFound(spec);
    }
    if (found.size() > 1) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a recording is of one method, and "
              + spec.selector()
              + " matches "
              + found.size()
              + ": "
              + String.join(", ", found.stream().map(RecordedMethod::display).toList()),
          "name one, with its parameter types if it is overloaded, e.g. 'Class#method(int,long)'");
    }
    if (found.get(0).name().equals("<init>")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "constructors cannot be recorded: a replay cannot run one again on a recorded receiver",
          "record a method");
    }
    return add(spec, author, resolution, recorderFor.apply(found.get(0)));
  }

  private synchronized ProbeAdded add(
      ProbeSpec spec, String author, ProbeTargets.Resolution resolution, CallRecorder recorder) {
    checkLimits(resolution);
    if (resolution.targets().isEmpty()
        && resolution.supertypes().isEmpty()
        && !spec.waitForClass()) {
      throw notFound(spec);
    }
    if (resolution.targets().isEmpty()
        && !resolution.supertypes().isEmpty()
        && !spec.waitForClass()) {
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "no loaded class implements "
              + String.join(", ", resolution.supertypes())
              + " for "
              + spec.selector(),
          "add --wait to probe the implementations when they load");
    }
    // The id is taken only once the probe is in: a refused add does not use one up (add is
    // synchronized, so nobody else can take the same one in between).
    String id = "p" + (nextId.get() + 1);
    clock.wake();
    Probe probe = new Probe(id, spec, author, this::disabled, clock, recorder);
    Installed installed = new Installed(probe, resolution);
    // Build every site first: a template that does not fit a method fails before anything is woven.
    // Each installation is kept as soon as it has slots, so a later failure gives them all back.
    try {
      if (spec.line() > 0) {
        if (resolution.targets().size() != 1) {
          throw new JLiveException(
              ErrorCode.BAD_REQUEST,
              "a line probe needs exactly one class, and "
                  + spec.selector()
                  + " matches "
                  + resolution.targets().size(),
              "name the class without wildcards");
        }
        ProbeTargets.Target target = resolution.targets().get(0);
        Installation installation =
            lineInstallation(probe, target.type(), target.methods(), spec.line());
        installed.installations.add(installation);
        compileConditions(installation, target.type());
      } else {
        PartTargets.check(spec, resolution);
        installed.callees = TraceCallees.of(instrumentation, spec, resolution);
        for (ProbeTargets.Target target : resolution.targets()) {
          Installation installation =
              installation(
                  probe, target.type().getClassLoader(), target.type().getName(), target.methods());
          installed.installations.add(installation);
          compileConditions(installation, target.type());
        }
      }
    } catch (RuntimeException | Error refused) {
      removeSites(installed);
      throw refused;
    }
    installed.installations.forEach(installation -> installation.sites().forEach(dispatcher::put));
    probes.put(id, installed);

    List<Class<?>> classes = new ArrayList<>();
    resolution.targets().forEach(target -> classes.add(target.type()));
    TraceCallees.addClasses(installed.callees, classes);
    Map<Class<?>, String> failed = pipeline.retransform(classes);
    List<ClassReport> report = new ArrayList<>();
    for (ProbeTargets.Target target : resolution.targets()) {
      String failure = failed.get(target.type());
      report.add(
          ClassReport.installed(
                  target.type().getName(),
                  ClassLoaders.describe(target.type().getClassLoader()),
                  target.methods().stream().map(ProbeTargets::display).toList())
              .withOutcome(failure));
      if (failure != null) {
        installed.installations.stream()
            .filter(
                installation ->
                    installation.is(target.type().getClassLoader(), target.type().getName()))
            .forEach(
                installation ->
                    installation.sites().forEach(site -> dispatcher.remove(site.slot())));
        installed.installations.removeIf(
            installation ->
                installation.is(target.type().getClassLoader(), target.type().getName()));
      }
    }
    if (installed.installations.isEmpty()
        && !resolution.targets().isEmpty()
        && !spec.waitForClass()) {
      probes.remove(id);
      removeSites(installed);
      throw ProbeTargets.notInstalled(spec.selector(), failed);
    }
    nextId.incrementAndGet();
    boolean waiting = installed.installations.isEmpty();
    ledger.record(
        id,
        ChangeKind.PROBE,
        (recorder != null ? "record" : spec.kind().name().toLowerCase(Locale.ROOT))
            + " "
            + spec.selector(),
        author,
        waiting ? LedgerState.WAITING : LedgerState.ACTIVE);
    return new ProbeAdded(probe.status(installedIn(installed)), report, resolution.notes());
  }

  /** Refuses a probe over the JVM's or a method's cap, before anything is woven. */
  private void checkLimits(ProbeTargets.Resolution resolution) {
    ProbeLimits current = limits;
    String remedy =
        "remove probes you no longer need with `jlive probe rm PID ID` (`jlive probe list PID` shows them)";
    if (probes.size() >= current.perJvm()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "this JVM already has "
              + probes.size()
              + " probes, the most allowed (maxProbes="
              + current.perJvm()
              + ")",
          remedy + ", or start the agent with a higher maxProbes");
    }
    for (ProbeTargets.Target target : resolution.targets()) {
      for (MethodDescription method : target.methods()) {
        String nameAndDescriptor =
            (method.isConstructor() ? "<init>" : method.getName()) + method.getDescriptor();
        long onMethod =
            probes.values().stream()
                .filter(
                    installed ->
                        installed.installations.stream()
                            .anyMatch(
                                installation ->
                                    installation.is(
                                            target.type().getClassLoader(), target.type().getName())
                                        && (installation
                                                .descriptors()
                                                .containsValue(nameAndDescriptor)
                                            || installation.line() != null
                                                && (installation.line().methodName()
                                                        + installation.line().descriptor())
                                                    .equals(nameAndDescriptor))))
                .count();
        if (onMethod >= current.perMethod()) {
          throw new JLiveException(
              ErrorCode.CONFLICT,
              target.type().getName()
                  + "#"
                  + ProbeTargets.display(method)
                  + " already has "
                  + onMethod
                  + " probes, the most allowed on one method (maxProbesPerMethod="
                  + current.perMethod()
                  + ")",
              remedy + ", or start the agent with a higher maxProbesPerMethod");
        }
      }
    }
  }

  /** Removes a probe and restores the classes it was woven into. */
  public synchronized ProbeRemoved remove(String id, String why) {
    Installed installed = probes.remove(id);
    if (installed == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "no probe " + id, "`jlive probe list` shows the probes");
    }
    installed.probe.deactivate();
    unweave(installed);
    events.release(id, 0);
    ledger.update(id, LedgerState.REMOVED, why);
    return new ProbeRemoved(id, installed.probe.hits());
  }

  public synchronized List<ProbeRemoved> removeAll(String why) {
    List<ProbeRemoved> removed = new ArrayList<>();
    for (String id : new ArrayList<>(probes.keySet())) {
      removed.add(remove(id, why));
    }
    return removed;
  }

  public ProbeList list() {
    List<ProbeStatus> list = new ArrayList<>();
    probes.values().stream()
        .sorted((a, b) -> Integer.compare(number(a.probe.id), number(b.probe.id)))
        .forEach(installed -> list.add(installed.probe.status(installedIn(installed))));
    return new ProbeList(list);
  }

  public MetricsAnswer metrics(String id) {
    List<ProbeMetrics> all = new ArrayList<>();
    for (Installed installed : probes.values()) {
      if (id == null || installed.probe.id.equals(id)) {
        all.add(installed.probe.metrics());
      }
    }
    if (id != null && all.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "no probe " + id, "`jlive probe list` shows the probes");
    }
    return new MetricsAnswer(all);
  }

  /** Probe events after {@code after}, for tail. */
  public EventsAnswer events(long after, String probe, int limit) {
    if (probe != null && !probes.containsKey(probe)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "no probe " + probe, "`jlive probe list` shows the probes");
    }
    EventLog.Slice slice = events.since(after, probe, limit);
    return new EventsAnswer(slice.events(), slice.last(), slice.missed());
  }

  public long nextEventSequence() {
    return events.nextSequence();
  }

  /** Where to read from so that the {@code count} newest events of a probe (null: all) come. */
  public long beforeNewestEvents(String probe, int count) {
    return events.beforeNewest(probe, count);
  }

  /** Every probe's numbers in Prometheus text format. */
  public String prometheus() {
    List<Probe> list = new ArrayList<>();
    probes.values().forEach(installed -> list.add(installed.probe));
    list.sort((a, b) -> Integer.compare(number(a.id), number(b.id)));
    return PrometheusFormat.render(list);
  }

  // ---- weaving ----

  @Override
  public boolean mayWeave(ClassLoader loader, String className) {
    for (Installed installed : probes.values()) {
      if (installed.woven
          && watchesNewClasses(installed)
          && (installed.probe.spec.selector().classes().matches(className)
              || !installed.resolution.supertypes().isEmpty())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Weaving> weavingsFor(
      ClassLoader loader,
      String className,
      Class<?> loaded,
      Supplier<TypeDescription> description) {
    List<Weaving> weavings = new ArrayList<>();
    for (Installed installed : probes.values()) {
      if (!installed.woven) {
        continue;
      }
      Installation installation =
          installed.installations.stream()
              .filter(candidate -> candidate.is(loader, className))
              .findFirst()
              .orElse(null);
      if (installation == null && loaded == null && watchesNewClasses(installed)) {
        installation = installOnLoad(installed, loader, className, description.get());
      }
      if (installation != null && installation.line() != null) {
        ProbeSite site = installation.sites().get(0);
        weavings.add(
            new LineWeaving(
                installation.line(), site.slot(), site.probe().kind == ProbeSpec.Kind.COUNT));
      } else if (installation != null) {
        for (ProbeSite site : installation.sites()) {
          String method = installation.descriptors().get(site.method());
          weavings.add(weaving(installed.probe.spec, site, method));
          if (installed.probe.parts != null) {
            weavings.add(partWeaving(installed.probe, site.slot(), method));
          }
        }
      }
      if (!installed.callees.isEmpty() && !installed.installations.isEmpty()) {
        int slot = installed.installations.get(0).sites().get(0).slot();
        for (TraceCallees.Callee callee : installed.callees) {
          if (callee.is(loader, className)) {
            weavings.add(PartWeaving.below(callee, slot, installed.probe.parts));
          }
        }
      }
    }
    return weavings;
  }

  private boolean watchesNewClasses(Installed installed) {
    ProbeSpec spec = installed.probe.spec;
    return installed.probe.isActive()
        && (spec.selector().hasWildcards()
            || spec.waitForClass()
            || !installed.resolution.supertypes().isEmpty());
  }

  /** A class that loads now and matches an open selector: the probe goes into it as it loads. */
  private Installation installOnLoad(
      Installed installed, ClassLoader loader, String className, TypeDescription type) {
    MethodSelector selector = installed.probe.spec.selector();
    boolean byName = selector.classes().matches(className);
    boolean bySupertype =
        !byName
            && installed.resolution.supertypes().stream().anyMatch(name -> isSubtype(type, name));
    boolean jdkProxy =
        type.getSuperClass() != null
            && type.getSuperClass().asErasure().getName().equals("java.lang.reflect.Proxy");
    if (!byName && !bySupertype
        || type.isInterface()
        || (bySupertype && (type.isAbstract() || jdkProxy))) {
      return null;
    }
    List<MethodDescription> methods = new ArrayList<>();
    for (MethodDescription method : type.getDeclaredMethods()) {
      if (!method.isAbstract()
          && !method.isNative()
          && !method.isBridge()
          && MethodMatch.matches(selector, method)) {
        methods.add(method);
      }
    }
    if (methods.isEmpty()) {
      return null;
    }
    try {
      Installation installation = installation(installed.probe, loader, className, methods);
      installation.sites().forEach(dispatcher::put);
      installed.installations.add(installation);
      ledger.update(installed.probe.id, LedgerState.ACTIVE, null);
      log.log(
          System.Logger.Level.INFO,
          "probe {0} installed in {1} as it loaded",
          installed.probe.id,
          className);
      return installation;
    } catch (JLiveException templateDoesNotFit) {
      log.log(
          System.Logger.Level.WARNING,
          "probe "
              + installed.probe.id
              + " skipped "
              + className
              + ": "
              + templateDoesNotFit.getMessage());
      return null;
    }
  }

  private static boolean isSubtype(TypeDescription type, String supertype) {
    try {
      return type.getInterfaces().asErasures().stream()
              .anyMatch(
                  candidate ->
                      candidate.getName().equals(supertype) || isSubtype(candidate, supertype))
          || (type.getSuperClass() != null
              && isSubtype(type.getSuperClass().asErasure(), supertype));
    } catch (RuntimeException unresolvable) {
      return false;
    }
  }

  /**
   * Compiles the conditions of a class's sites now that it is loaded; the first error fails the
   * add.
   */
  private static void compileConditions(Installation installation, Class<?> type) {
    for (ProbeSite site : installation.sites()) {
      for (ProbeExpression expression : site.expressions()) {
        expression.compile(type);
      }
    }
  }

  private Installation installation(
      Probe probe, ClassLoader loader, String className, List<MethodDescription> methods) {
    List<PendingSite> pending = new ArrayList<>();
    Map<String, String> descriptors = new HashMap<>(); // looked up by method, never listed
    String simpleClass = className.substring(className.lastIndexOf('.') + 1);
    for (MethodDescription method : methods) {
      String display = simpleClass + "#" + ProbeTargets.display(method);
      boolean atExit =
          probe.spec.point() == ProbeSpec.Point.EXIT
              || probe.spec.point() == ProbeSpec.Point.EXCEPTION;
      ProbeExpressions.Variable returned =
          atExit
                  && probe.spec.point() == ProbeSpec.Point.EXIT
                  && !method.getReturnType().asErasure().represents(void.class)
              ? ProbeExpressions.Variable.of("returned", method.getReturnType().asErasure())
              : null;
      ProbeExpression.Scope scope =
          new ProbeExpression.Scope(
              method.isStatic() || method.isConstructor(),
              ProbeExpressions.parameters(method),
              returned,
              atExit,
              probe.spec.allowSideEffects(),
              clock::nanos);
      Template template =
          probe.spec.kind() == ProbeSpec.Kind.LOG
              ? Template.parse(
                  probe.spec.template(), ProbeTargets.parameterNames(method), display, scope)
              : null;
      KotlinSuspend suspend =
          method.isConstructor()
              ? null
              : KotlinSuspend.of(className, method.getName(), method.getDescriptor());
      ProbeExpression condition = null;
      if (probe.spec.when() != null) {
        condition =
            typedConditionFits(probe, method, suspend)
                ? ProbeExpression.typedCondition(probe.spec.when(), scope)
                : ProbeExpression.condition(probe.spec.when(), scope);
      }
      pending.add(new PendingSite(display, template, condition, suspend));
      descriptors.put(
          display, (method.isConstructor() ? "<init>" : method.getName()) + method.getDescriptor());
    }
    // Slots are taken once every method's template and condition were built: a method that does
    // not fit fails the add before any slot is taken.
    List<ProbeSite> sites = new ArrayList<>();
    try {
      for (PendingSite site : pending) {
        sites.add(
            new ProbeSite(
                dispatcher.newSlot(),
                probe,
                loader,
                site.display(),
                site.template(),
                site.condition(),
                null,
                site.suspend()));
      }
    } catch (RuntimeException tooManySites) {
      sites.forEach(site -> dispatcher.remove(site.slot()));
      throw tooManySites;
    }
    return new Installation(loader, className, List.copyOf(sites), descriptors, null);
  }

  /**
   * True when the woven code can test the probe's condition on the method's own arguments ({@link
   * ProbeAdvice.TypedEntry}): a log or capture at the entry of a plain method whose class file can
   * hold an {@code invokedynamic}, a condition that does not use the {@code args} array as a whole,
   * and a bridge that links it. Anything else tests it on the boxed arguments.
   */
  private static boolean typedConditionFits(
      Probe probe, MethodDescription method, KotlinSuspend suspend) {
    return (probe.kind == ProbeSpec.Kind.LOG || probe.kind == ProbeSpec.Kind.CAPTURE)
        && probe.spec.point() == ProbeSpec.Point.ENTRY
        && probe.recorder == null
        && !method.isConstructor()
        && suspend == null
        && !ProbeExpressions.readsArgumentArray(probe.spec.when(), method.getParameters().size())
        && TypedConditionCall.fits(method.getDeclaringType().asErasure())
        && TypedConditionCall.bridgeLinks();
  }

  /** A site's parts, built before its slot is taken. */
  private record PendingSite(
      String display, Template template, ProbeExpression condition, KotlinSuspend suspend) {}

  /** One site before a source line, with the locals in scope there as its variables. */
  private Installation lineInstallation(
      Probe probe, Class<?> type, List<MethodDescription> methods, int line) {
    LineTarget target =
        LineTarget.find(
            type,
            line,
            (name, descriptor) ->
                methods.stream()
                    .anyMatch(
                        method ->
                            (method.isConstructor() ? "<init>" : method.getName()).equals(name)
                                && method.getDescriptor().equals(descriptor)));
    List<String> names = target.locals().stream().map(LineTarget.Local::name).toList();
    String display =
        type.getSimpleName().isEmpty()
            ? type.getName()
            : type.getName().substring(type.getName().lastIndexOf('.') + 1);
    display = display + "#" + target.methodName() + ":" + line;
    ProbeExpression.Scope scope =
        new ProbeExpression.Scope(
            target.isStatic() || target.methodName().equals("<init>"),
            target.locals().stream()
                .map(
                    local ->
                        ProbeExpressions.Variable.fromDescriptor(local.name(), local.descriptor()))
                .toList(),
            null,
            false,
            probe.spec.allowSideEffects(),
            clock::nanos);
    Template template =
        probe.spec.kind() == ProbeSpec.Kind.LOG
            ? Template.parse(probe.spec.template(), names, display, scope)
            : null;
    ProbeExpression condition =
        probe.spec.when() == null ? null : ProbeExpression.condition(probe.spec.when(), scope);
    ProbeSite site =
        new ProbeSite(
            dispatcher.newSlot(),
            probe,
            type.getClassLoader(),
            display,
            template,
            condition,
            names,
            null);
    return new Installation(type.getClassLoader(), type.getName(), List.of(site), Map.of(), target);
  }

  private static Weaving partWeaving(Probe probe, int slot, String nameAndDescriptor) {
    int paren = nameAndDescriptor.indexOf('(');
    return new PartWeaving(
        nameAndDescriptor.substring(0, paren),
        nameAndDescriptor.substring(paren),
        slot,
        probe.parts,
        probe.kind == ProbeSpec.Kind.LINES);
  }

  private static Weaving weaving(ProbeSpec spec, ProbeSite site, String nameAndDescriptor) {
    int paren = nameAndDescriptor.indexOf('(');
    String name = nameAndDescriptor.substring(0, paren);
    String descriptor = nameAndDescriptor.substring(paren);
    boolean constructor = name.equals("<init>");
    Class<?> advice =
        switch (spec.kind()) {
          case COUNT, CALLERS -> ProbeAdvice.Count.class;
          case METRICS, TRACE, LINES ->
              constructor ? ProbeAdvice.TimedConstructor.class : ProbeAdvice.Timed.class;
          case LOG, CAPTURE ->
              switch (spec.point()) {
                case ENTRY ->
                    constructor ? ProbeAdvice.EntryConstructor.class : ProbeAdvice.Entry.class;
                case EXIT ->
                    constructor ? ProbeAdvice.FullConstructor.class : ProbeAdvice.Exit.class;
                case EXCEPTION ->
                    constructor
                        ? ProbeAdvice.FullConstructor.class
                        : ProbeAdvice.ExceptionExit.class;
                case LINE -> ProbeAdvice.Full.class;
              };
        };
    if (!constructor && site.probe().recorder != null) {
      advice = ProbeAdvice.Outcome.class;
    }
    if (!constructor && KotlinSuspend.isSuspend(descriptor)) {
      // Every kind needs the continuation to tell a call from a resume.
      advice = suspendAdvice(spec, site);
    }
    Advice.WithCustomMapping mapping =
        Advice.withCustomMapping()
            .bind(ProbeId.class, site.slot())
            .bind(LinkedDispatcher.class, new LinkedDispatcherCall(site.slot()))
            .bind(LastArgument.class, new LastArgumentRead());
    if (advice == ProbeAdvice.Entry.class
        && site.condition() != null
        && site.condition().isTyped()) {
      advice = ProbeAdvice.TypedEntry.class;
      mapping = mapping.bind(ConditionHolds.class, new TypedConditionCall(site.slot()));
    }
    AsmVisitorWrapper visitor =
        BridgedProbeAdvice.to(mapping, advice)
            .on(
                (constructor
                        ? ElementMatchers.<MethodDescription>isConstructor()
                        : ElementMatchers.<MethodDescription>named(name))
                    .and(ElementMatchers.hasDescriptor(descriptor)));
    return () -> visitor;
  }

  /**
   * The advice for a Kotlin suspend function: the advice that hands the dispatcher the continuation
   * and builds the argument array only for a call it kept, where the dispatcher takes
   * continuations; {@link ProbeAdvice.Full} for a recording, a trace or line profile, and an older
   * bridge.
   */
  private static Class<?> suspendAdvice(ProbeSpec spec, ProbeSite site) {
    if (!BridgedProbeAdvice.SUSPEND_DISPATCH || site.probe().recorder != null) {
      return ProbeAdvice.Full.class;
    }
    return switch (spec.kind()) {
      case COUNT, CALLERS -> ProbeAdvice.SuspendEntry.class;
      case METRICS -> ProbeAdvice.SuspendTimed.class;
      case LOG, CAPTURE ->
          switch (spec.point()) {
            case ENTRY -> ProbeAdvice.SuspendEntry.class;
            case EXIT -> ProbeAdvice.SuspendExit.class;
            case EXCEPTION -> ProbeAdvice.SuspendExceptionExit.class;
            case LINE -> ProbeAdvice.Full.class;
          };
      default -> ProbeAdvice.Full.class;
    };
  }

  // ---- turning off ----

  /** Called on whichever thread disabled the probe, often an application thread: only schedules. */
  private void disabled(Probe probe, String reason) {
    log.log(System.Logger.Level.WARNING, "probe {0} disabled itself: {1}", probe.id, reason);
    ledger.update(probe.id, LedgerState.DISABLED, reason);
    try {
      housekeeper.execute(
          () -> {
            events.release(probe.id, EventLog.KEPT_AFTER_DISABLE_BYTES);
            Installed installed = probes.get(probe.id);
            if (installed != null) {
              synchronized (this) {
                unweave(installed);
              }
            }
          });
    } catch (RejectedExecutionException stopping) {
      // The agent is stopping and removes every probe anyway.
    }
  }

  private void unweave(Installed installed) {
    installed.woven = false;
    List<Class<?>> classes = loadedClasses(installed.installations);
    TraceCallees.addClasses(installed.callees, classes);
    Map<Class<?>, String> failed = pipeline.retransform(classes);
    failed.forEach(
        (type, why) ->
            log.log(System.Logger.Level.ERROR, "could not restore " + type.getName() + ": " + why));
    removeSites(installed);
  }

  private void removeSites(Installed installed) {
    installed.installations.forEach(
        installation -> installation.sites().forEach(site -> dispatcher.remove(site.slot())));
  }

  private List<Class<?>> loadedClasses(List<Installation> installations) {
    List<Class<?>> classes = new ArrayList<>();
    if (installations.isEmpty()) {
      return classes;
    }
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      for (Installation installation : installations) {
        if (installation.is(type.getClassLoader(), type.getName())) {
          classes.add(type);
        }
      }
    }
    return classes;
  }

  /**
   * Conditions of classes that loaded after their probe: compiled here, never on the class's own
   * thread.
   */
  private void compilePendingConditions() {
    for (Installed installed : probes.values()) {
      List<Installation> pending =
          installed.installations.stream()
              .filter(
                  installation ->
                      installation.sites().stream()
                          .anyMatch(
                              site ->
                                  site.expressions().stream().anyMatch(ProbeExpression::isPending)))
              .toList();
      if (pending.isEmpty()) {
        continue;
      }
      List<Class<?>> loaded = loadedClasses(pending);
      for (Installation installation : pending) {
        for (Class<?> type : loaded) {
          if (installation.is(type.getClassLoader(), type.getName())) {
            for (ProbeSite site : installation.sites()) {
              for (ProbeExpression expression : site.expressions()) {
                try {
                  expression.compile(type);
                } catch (RuntimeException e) {
                  expression.failedToCompile(e.getMessage());
                  log.log(
                      System.Logger.Level.WARNING,
                      "probe "
                          + installed.probe.id
                          + ": an expression does not compile for "
                          + type.getName()
                          + ": "
                          + e.getMessage());
                }
              }
            }
          }
        }
      }
    }
  }

  private void checkBudgets() {
    try {
      compilePendingConditions();
      long now = System.nanoTime();
      for (Installed installed : probes.values()) {
        if (!installed.probe.isActive()) {
          continue;
        }
        long window = now - installed.windowStartNanos;
        if (window < CPU_WINDOW_NANOS) {
          installed.probe.checkBudget(now, 0, window);
          continue;
        }
        long own = installed.probe.ownNanos.sum();
        installed.probe.checkBudget(
            now, installed.warmedUp ? own - installed.windowStartOwnNanos : 0, window);
        installed.warmedUp = true;
        installed.windowStartNanos = now;
        installed.windowStartOwnNanos = own;
      }
    } catch (Throwable t) {
      log.log(System.Logger.Level.ERROR, "probe housekeeping failed", t);
    }
  }

  private List<ClassReport> installedIn(Installed installed) {
    List<ClassReport> list = new ArrayList<>();
    for (Installation installation : installed.installations) {
      list.add(
          ClassReport.installed(
              installation.className(),
              ClassLoaders.describe(installation.loader()),
              installation.sites().stream().map(ProbeSite::method).toList()));
    }
    return list;
  }

  private JLiveException notFound(ProbeSpec spec) {
    MethodSelector selector = spec.selector();
    if (selector.classes().isExact()) {
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        if (type.getName().equals(selector.classes().toString())) {
          List<String> methods = new ArrayList<>();
          for (MethodDescription method : ProbeTargets.describe(type).getDeclaredMethods()) {
            if (!method.isTypeInitializer()) {
              methods.add(ProbeTargets.display(method));
            }
          }
          return new JLiveException(
              ErrorCode.CLASS_NOT_FOUND,
              type.getName() + " has no method matching " + selector,
              "its methods: " + String.join(", ", methods));
        }
      }
    }
    List<String> similar = ClassSearch.similar(instrumentation, selector.classes().toString());
    return new JLiveException(
        ErrorCode.CLASS_NOT_FOUND,
        "no loaded class matches " + selector.classes(),
        (similar.isEmpty() ? "" : "did you mean " + String.join(", ", similar) + "? ")
            + "If the class is not loaded yet, add --wait to install the probe when it loads");
  }

  private static int number(String id) {
    return Integer.parseInt(id.substring(1));
  }
}
