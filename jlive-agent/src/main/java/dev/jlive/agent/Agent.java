package dev.jlive.agent;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.compile.CompilerWarmup;
import dev.jlive.agent.expression.ProbeExpressions;
import dev.jlive.agent.fleet.ChildJvms;
import dev.jlive.agent.fleet.FleetLink;
import dev.jlive.agent.log.FileLogger;
import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.probe.ProbeEngine;
import dev.jlive.agent.record.RecordEngine;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.server.ControlEndpoint;
import dev.jlive.agent.server.Token;
import dev.jlive.agent.shadow.ShadowEngine;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.Discovery;
import dev.jlive.protocol.Version;
import java.io.Closeable;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * One running agent: its endpoint, discovery file and log, from start to stop.
 *
 * <p>Stopping undoes everything starting did and leaves nothing that refers to the agent's class
 * loader (no thread, hook or transformer), so the loader can be collected after a detach.
 */
public final class Agent {
  private final Instrumentation instrumentation;
  private final AgentOptions options;
  private final String mode;
  private final long pid = ProcessHandle.current().pid();
  private final Instant startedAt = Instant.now();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final FileLogger log;
  private final ChangeLedger ledger;
  private final ClassPipeline pipeline;
  private final ProbeEngine probes;
  private final PatchEngine patches;
  private final ShadowEngine shadows;
  private final RecordEngine records;
  private final BridgeDispatcher bridge;
  private volatile ControlEndpoint endpoint;
  private volatile Path discoveryFile;
  private volatile Thread shutdownHook;
  private final Path agentJar;
  private volatile FleetLink fleet;
  private volatile ChildJvms childJvms;
  private volatile Thread compilerWarmup;

  Agent(Instrumentation instrumentation, AgentOptions options, String mode, Path agentJar)
      throws IOException {
    this.instrumentation = instrumentation;
    this.options = options;
    this.mode = mode;
    this.agentJar = agentJar;
    this.log =
        FileLogger.open(
            "jlive", options.runtimeDir().resolve(pid + ".log"), System.Logger.Level.INFO);
    this.ledger = new ChangeLedger(log);
    this.pipeline = new ClassPipeline(instrumentation, log);
    Gates gates = new Gates();
    this.patches = new PatchEngine(instrumentation, pipeline, ledger, gates, log);
    this.shadows = new ShadowEngine(instrumentation, pipeline, patches, log);
    this.probes =
        new ProbeEngine(
            instrumentation,
            pipeline,
            ledger,
            log,
            wiring -> new BridgeDispatcher(wiring, gates, shadows));
    probes.limit(options.probeLimits());
    this.records = new RecordEngine(instrumentation, probes, patches, log);
    this.bridge = (BridgeDispatcher) probes.dispatcher();
  }

  void start(StartPhases phases) throws IOException {
    String token = Token.load(options.tokenFile());
    pipeline.start();
    ProbeExpressions.initialise(instrumentation);
    // The bridge's dispatcher is the agent's: it is cleared only by JLiveBridge.release at the end
    // of stop().
    JLiveBridge.dispatchTo(bridge);
    probes.start();
    patches.start();
    shadows.start();
    phases.mark("engines start");
    if (options.warmCompiler()) {
      compilerWarmup = CompilerWarmup.start(log, patches::warmUp);
    } else {
      log.log(System.Logger.Level.INFO, "compiler warm-up off (agent option warmCompiler=false)");
    }
    AgentContext context =
        new AgentContext(
            instrumentation,
            log,
            mode,
            startedAt,
            ledger,
            probes,
            patches,
            shadows,
            records,
            this::stopLater,
            options.fleet() == null ? null : () -> fleet == null ? null : fleet.status());
    // Made before anything starts, so that a bad token file stops the start like any bad option.
    FleetLink link = options.fleet() == null ? null : new FleetLink(options.fleet(), context);
    endpoint =
        ControlEndpoint.start(
            options.host(),
            options.port(),
            token,
            context,
            options.fleet() != null && options.fleet().localChangesDenied());
    phases.mark("endpoint");
    Discovery discovery =
        new Discovery(
            pid,
            endpoint.host(),
            endpoint.port(),
            token,
            Version.current(),
            startedAt.toEpochMilli(),
            Discovery.processStartMillis(pid),
            Discovery.processStartTicks(pid));
    discoveryFile = discovery.writeTo(options.runtimeDir());
    shutdownHook = new Thread(this::atJvmExit, "jlive-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    if (link != null) {
      childJvms = new ChildJvms(instrumentation, pipeline, log, agentJar, options.childOptions());
      bridge.routeChildCommands(childJvms::rewrite);
      childJvms.start();
      fleet = link;
      link.start();
    }
    phases.mark("discovery and hooks");
    String startPhases =
        phases.summary(
            Agent.class.getClassLoader() instanceof IntSupplier loader ? loader.getAsInt() : -1);
    // Ready: the rest runs on an endpoint worker. The log's first lines load and run its formatting
    // code, which a busy host made cost as much as the endpoint itself (docs/BENCHMARKS.md).
    endpoint.afterReady(
        () -> {
          log.log(
              System.Logger.Level.INFO,
              "agent {0} started ({1}) on {2}:{3}, discovery file {4}, from {5}",
              Version.current(),
              mode,
              endpoint.host(),
              Integer.toString(endpoint.port()),
              discoveryFile,
              agentJar);
          log.log(System.Logger.Level.INFO, "start phases (ms): {0}", startPhases);
        });
    if (!options.quiet()) {
      // The one line the agent ever writes to the application's output.
      System.err.println(
          "jlive agent "
              + Version.current()
              + " listening on "
              + endpoint.host()
              + ":"
              + endpoint.port()
              + " (pid "
              + pid
              + ", "
              + mode
              + ")"
              + (options.fleet() == null
                  ? ""
                  : ", controller "
                      + options.fleet().controllersText()
                      + " service "
                      + options.fleet().service()));
    }
  }

  /** Stops the agent; safe to call more than once and from any thread. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    log.log(System.Logger.Level.INFO, "agent stopping");
    ControlEndpoint running = endpoint;
    if (running != null) {
      running.stop();
    }
    FleetLink link = fleet;
    if (link != null) {
      try {
        link.stop();
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "could not stop the controller link", e);
      }
    }
    ChildJvms children = childJvms;
    if (children != null) {
      try {
        children.stop();
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "could not restore java.lang.ProcessBuilder", e);
      }
      bridge.routeChildCommands(null);
    }
    Thread warmup = compilerWarmup;
    if (warmup != null) {
      warmup.interrupt();
    }
    try {
      records.stop();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "could not end every recording", e);
    }
    // Shadows end before the patches are reverted: their advice sits on patched methods too.
    try {
      shadows.stop();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "could not end every shadow", e);
    }
    // Patches first, while the bridge still routes gate calls: each revert waits for its safe
    // point with gates that count callers. Probes go next; the bridge is cleared by release().
    try {
      patches.stop();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "could not revert every patch", e);
    }
    try {
      probes.stop();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "could not remove every probe", e);
    }
    pipeline.stop();
    deleteDiscoveryFile();
    Thread hook = shutdownHook;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException jvmIsExitingAnyway) {
        // The hook runs or ran; nothing to remove.
      }
    }
    JLiveBridge.release(this);
    log.log(System.Logger.Level.INFO, "agent stopped");
    log.close();
    closeOwnClassLoader();
  }

  /**
   * Stops from a thread of its own, so that a request can ask for a stop and still get its answer.
   */
  private void stopLater() {
    Thread stopper = new Thread(this::stop, "jlive-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  /**
   * The JVM exits: the discovery file goes, and the controller learns at once that this process
   * went.
   */
  private void atJvmExit() {
    deleteDiscoveryFile();
    FleetLink link = fleet;
    if (link != null) {
      link.jvmExits();
    }
  }

  private void deleteDiscoveryFile() {
    Path file = discoveryFile;
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.log(System.Logger.Level.WARNING, "could not delete discovery file " + file, e);
      }
    }
  }

  private void closeOwnClassLoader() {
    if (Agent.class.getClassLoader() instanceof Closeable loader) {
      try {
        loader.close();
      } catch (IOException e) {
        // The jar stays open until the loader is collected; nothing else depends on it.
      }
    }
  }

  @Override
  public String toString() {
    ControlEndpoint running = endpoint;
    return "jlive agent "
        + Version.current()
        + (running == null ? "" : " on " + running.host() + ":" + running.port());
  }
}
