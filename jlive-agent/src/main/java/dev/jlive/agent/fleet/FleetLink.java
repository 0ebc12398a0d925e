package dev.jlive.agent.fleet;

import dev.jlive.agent.AgentContext;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.UnknownFields;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.ClassQuestion;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;

/**
 * The agent's side of the fleet: a daemon thread ({@code jlive-fleet}) that registers with the
 * controller, then long-polls {@link FleetApi#SYNC}: each sync reports the state of every fleet
 * change, the metrics of the fleet's probes and their new events, and brings back the desired
 * changes when they differ from the version the agent has; {@link Reconciler} applies them.
 *
 * <p>The agent dials out, so it works behind NAT. When the controller cannot be reached it tries
 * again after 0.5 s, doubling up to 10 s, and logs to the agent's log only. Given several
 * controllers ({@code controller=URL1|URL2}), it talks to one at a time and moves to the next when
 * the current one does not answer (no connection, a time-out, a 5xx answer such as {@link
 * ErrorCode#STORE_UNAVAILABLE}); each controller of the list is tried once at once before the
 * back-off applies. When the controller answers {@link ErrorCode#UNKNOWN_PROCESS} (it lost the
 * session, or never had it) the agent registers again and keeps what it applied; the fresh desired
 * list then decides what stays. Nothing is reverted because a controller is gone.
 */
public final class FleetLink {
  static final long MIN_BACKOFF_MILLIS = 500;
  static final long MAX_BACKOFF_MILLIS = 10_000;
  static final int MAX_EVENTS_PER_SYNC = 500;

  /**
   * The events' share of one sync body, as JSON: far under the controller's limit on a request (16
   * MB), so that a sync is never refused for its size (and then retried with the same events,
   * forever), and the agent never builds more than this for the fleet at once.
   */
  static final int MAX_EVENT_BYTES_PER_SYNC = 1 << 20;

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_MARGIN_MILLIS = 15_000;
  private static final int STOP_TIMEOUT_MILLIS = 1_000;
  private static final long DEFAULT_HEARTBEAT_MILLIS = 10_000;
  private static final long MIN_HEARTBEAT_MILLIS = 100;
  private static final long MAX_HEARTBEAT_MILLIS = 60_000;

  private final FleetSettings settings;
  private final String token;

  /** The socket factory that trusts controllerTrustStore, or null for the JVM's default trust. */
  private final SSLSocketFactory tls;

  private final System.Logger log;
  private final List<URI> controllers;

  /** Guards swapping {@link #client} against {@link #halt}, which closes the current one. */
  private final Object clientLock = new Object();

  /** The index in {@link #controllers} of the controller spoken to now. */
  private volatile int current;

  private volatile ControllerClient client;

  /** Failures since the last answer: below the number of controllers, the next is tried at once. */
  private int failuresInARow;

  private final FleetTarget target;
  private final ChangeVerifier verifier;
  private final Reconciler reconciler;
  private final String instance = UUID.randomUUID().toString();
  private final Object sleeper = new Object();
  private final Thread thread;
  private volatile boolean running;
  private volatile String process;
  private volatile boolean connected;
  private volatile String lastError;
  private volatile long heartbeatMillis = DEFAULT_HEARTBEAT_MILLIS;
  private volatile long desiredVersion = -1;

  /**
   * The last sync body sent, without its events: what keep-alives repeat while changes are applied.
   */
  private volatile SyncBody lastReportBody;

  private long eventCursor;
  private long lastUnknownProcessNanos = System.nanoTime() - 2 * MAX_BACKOFF_MILLIS * 1_000_000L;

  /**
   * Reads the token now: a token file that cannot be read fails the agent's start like a bad
   * option.
   */
  public FleetLink(FleetSettings settings, AgentContext context) {
    this(
        settings,
        settings.readToken(),
        new EngineTarget(context),
        ChangeVerifier.of(settings),
        context.log());
  }

  FleetLink(FleetSettings settings, String token, FleetTarget target, System.Logger log) {
    this(settings, token, target, ChangeVerifier.none(), log);
  }

  FleetLink(
      FleetSettings settings,
      String token,
      FleetTarget target,
      ChangeVerifier verifier,
      System.Logger log) {
    this.settings = settings;
    this.token = token;
    this.tls = settings.socketFactory();
    this.controllers = settings.controllers();
    this.client = new ControllerClient(controllers.get(0), token, tls);
    this.target = target;
    this.log = log;
    this.verifier = verifier;
    this.reconciler = new Reconciler(target, verifier, log);
    this.thread = new Thread(this::run, "jlive-fleet");
    thread.setDaemon(true);
  }

  public void start() {
    // A controller of a newer version may send fields this agent does not know: ignored, each
    // logged once.
    UnknownFields.logTo(message -> log.log(System.Logger.Level.WARNING, message));
    eventCursor = target.nextEventSequence() - 1;
    running = true;
    thread.start();
    log.log(
        System.Logger.Level.INFO,
        "fleet link to {0} started for service {1}",
        settings.controllersText(),
        settings.service());
    if (verifier.verifies()) {
      log.log(
          System.Logger.Level.INFO,
          "changes from the controller run only when signed by the key in {0}",
          verifier.keyFile());
    } else {
      log.log(
          System.Logger.Level.WARNING,
          "changes from the controller are not verified: anyone who can write to the controller's"
              + " ZooKeeper can run code here. Give controllerKey=FILE (or "
              + FleetApi.ENV_CONTROLLER_KEY_FILE
              + ") the public key `jlive controller key` prints");
    }
  }

  /**
   * Stops the thread (breaking a long poll in flight), then deregisters, best effort and briefly.
   * Changes it applied stay for the agent's own stop to take back.
   */
  public void stop() {
    halt();
    try {
      // A patch being applied may wait for its safe point; it is let finish (it has a time-out).
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deregister();
    log.log(System.Logger.Level.INFO, "fleet link stopped");
  }

  /**
   * The JVM exits: the loop stops where it is (it is a daemon), and the controller learns at once.
   */
  public void jvmExits() {
    halt();
    deregister();
  }

  /** Ends the loop and breaks the request in flight; the loop registers nothing after this. */
  private void halt() {
    synchronized (clientLock) {
      running = false;
      client.close();
    }
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
  }

  /** The controller spoken to now. */
  private URI currentController() {
    return controllers.get(current);
  }

  /**
   * Moves to the next controller of the list. The process id is kept: a controller on the same
   * ZooKeeper adopts it, any other answers {@link ErrorCode#UNKNOWN_PROCESS} and the agent
   * registers again.
   */
  private void moveToNextController(String reason, boolean loud) {
    synchronized (clientLock) {
      if (!running) {
        return;
      }
      URI from = currentController();
      current = (current + 1) % controllers.size();
      client = new ControllerClient(currentController(), token, tls);
      log.log(
          loud ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
          "controller {0} does not answer ({1}); moving to controller {2}",
          from,
          reason,
          currentController());
    }
  }

  /** Deregisters, briefly and once. */
  private void deregister() {
    String registered = process;
    process = null;
    connected = false;
    if (registered == null) {
      return;
    }
    try {
      new ControllerClient(currentController(), token, tls)
          .post(
              FleetApi.DEREGISTER,
              new DeregisterBody(registered).toJson(),
              STOP_TIMEOUT_MILLIS,
              STOP_TIMEOUT_MILLIS);
      log.log(System.Logger.Level.INFO, "deregistered process {0}", registered);
    } catch (IOException | RuntimeException e) {
      log.log(
          System.Logger.Level.INFO,
          "could not deregister process "
              + registered
              + " (the controller will see it stop "
              + "heartbeating): "
              + e);
    }
  }

  /** For {@code GET /v1/info}. */
  public Map<String, Object> status() {
    return JsonObject.create()
        .put("url", currentController().toString())
        .put("urls", controllers.stream().map(URI::toString).toList())
        .put("service", settings.service())
        .put("labels", settings.labels())
        .put("process", process)
        .put("connected", connected)
        .put("desiredVersion", desiredVersion)
        .put("appliedChanges", reconciler.appliedCount())
        .put("verifiesChanges", verifier.verifies())
        .put("controllerKey", verifier.keyFile() == null ? null : verifier.keyFile().toString())
        .put("localChanges", settings.localChangesDenied() ? "deny" : "allow")
        .put("lastError", lastError)
        .toMap();
  }

  // ---- the thread ----

  private void run() {
    long backoff = MIN_BACKOFF_MILLIS;
    long waitMillis = 0;
    while (running) {
      try {
        if (process == null) {
          register();
          waitMillis = 0;
        }
        waitMillis = sync(waitMillis);
        backoff = MIN_BACKOFF_MILLIS;
        failuresInARow = 0;
      } catch (JLiveException e) {
        if (e.code() == ErrorCode.UNKNOWN_PROCESS && running) {
          log.log(
              System.Logger.Level.INFO,
              "the controller does not know process {0} (any more); registering again",
              process);
          process = null;
          // Once at once; a controller that keeps forgetting gets the back-off.
          boolean again =
              System.nanoTime() - lastUnknownProcessNanos < MAX_BACKOFF_MILLIS * 1_000_000L;
          lastUnknownProcessNanos = System.nanoTime();
          if (!again) {
            continue;
          }
        }
        String reason = e.getMessage() + (e.hint().isEmpty() ? "" : " (" + e.hint() + ")");
        // A 5xx (its store is gone, it is failing) is a controller that does not answer; a 4xx is
        // about this request, and another controller of the same fleet would say the same.
        backoff = failed(reason, backoff, e.code().httpStatus() >= 500);
      } catch (IOException e) {
        backoff = failed(e.toString(), backoff, true);
      } catch (RuntimeException e) {
        backoff = failed(e.toString(), backoff, false);
      }
    }
  }

  /**
   * Logs the failure (once per new reason, so a long outage does not fill the log) and waits before
   * the next try.
   */
  private long failed(String reason, long backoff, boolean unanswered) {
    if (!running) {
      return backoff;
    }
    failuresInARow++;
    boolean news = connected || !reason.equals(lastError);
    connected = false;
    lastError = reason;
    if (unanswered && controllers.size() > 1) {
      // Logged in the first round after an answer; a long outage of all of them is logged below.
      moveToNextController(reason, failuresInARow <= controllers.size());
      if (failuresInARow % controllers.size() != 0) {
        // Not every controller has failed since the last answer: the next one is tried at once.
        return backoff;
      }
    }
    if (news) {
      log.log(
          System.Logger.Level.WARNING,
          "link to controller {0} failed, trying again in {1} ms (backing off up to {2} ms): {3}",
          currentController(),
          Long.toString(backoff),
          Long.toString(MAX_BACKOFF_MILLIS),
          reason);
    }
    sleep(backoff);
    return Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
  }

  private void sleep(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    synchronized (sleeper) {
      long left;
      while (running && (left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
        try {
          sleeper.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void register() throws IOException {
    RegisterBody body =
        new RegisterBody(
            FleetApi.PROTOCOL_VERSION,
            settings.service(),
            hostName(),
            ProcessHandle.current().pid(),
            System.getProperty("java.version"),
            Version.current(),
            settings.labels(),
            instance,
            verifier.verifies());
    RegisterAnswer answer =
        RegisterAnswer.fromWire(
            client.post(
                FleetApi.REGISTER, body.toJson(), CONNECT_TIMEOUT_MILLIS, READ_MARGIN_MILLIS));
    heartbeatMillis =
        Math.max(MIN_HEARTBEAT_MILLIS, Math.min(MAX_HEARTBEAT_MILLIS, answer.heartbeatMillis()));
    process = answer.process();
    desiredVersion = -1;
    reconciler.forgetFailures();
    connected = true;
    lastError = null;
    log.log(
        System.Logger.Level.INFO,
        "registered with {0} as process {1} of service {2} (heartbeat {3} ms)",
        currentController(),
        answer.process(),
        settings.service(),
        Long.toString(heartbeatMillis));
    if (answer.note() != null) {
      log.log(System.Logger.Level.WARNING, "the controller says: {0}", answer.note());
    } else if (answer.protocolVersion() < FleetApi.PROTOCOL_VERSION) {
      log.log(
          System.Logger.Level.WARNING,
          "the controller speaks agent protocol {0} and this agent (jlive {1}) {2}: it works, but the"
              + " controller ignores what came since (it does not show the protocol version of this agent); upgrade the controller",
          Integer.toString(answer.protocolVersion()),
          Version.current(),
          Integer.toString(FleetApi.PROTOCOL_VERSION));
    }
  }

  /**
   * One sync: report, receive, reconcile.
   *
   * @return how long the next sync should hold the poll: 0 when there is more to tell at once
   */
  private long sync(long waitMillis) throws IOException {
    Map<String, ChangeReport> report = reconciler.report();
    EventBatch events = events();
    // Events too large for any sync are counted: the controller learns how many it will never see.
    SyncBody body =
        syncBody(report, reconciler.metrics(), events.events(), waitMillis, events.dropped());
    Map<String, Object> wire =
        client.post(
            FleetApi.SYNC,
            body.toJson(),
            CONNECT_TIMEOUT_MILLIS,
            (int) waitMillis + READ_MARGIN_MILLIS);
    SyncAnswer answer = SyncAnswer.fromWire(wire);
    answerClassQuestions(wire);
    lastReportBody = body.keepAlive();
    connected = true;
    lastError = null;
    reconciler.reported(report);
    reconciler.eventsSent();
    eventCursor = events.cursor();
    long version = answer.desiredVersion();
    if (answer instanceof SyncAnswer.Changes desired && running) {
      reconcileKeepingAlive(
          () ->
              reconciler.reconcile(desired.changes(), version, this::reportWaiting, () -> running));
      desiredVersion = version;
      // The report of what was just applied rides on the next long poll: the controller records a
      // sync's report before it parks the poll, so one request does both (a poll that did not wait
      // would cost each process one more request per change, which at thousands of processes is
      // what delays delivery; docs/BENCHMARKS.md, fleet delivery).
      return events.more() ? 0 : nextWaitMillis();
    }
    desiredVersion = version;
    if (running && reconciler.millisUntilRetry() == 0) {
      reconcileKeepingAlive(() -> reconciler.retryNotLoaded(this::reportWaiting, () -> running));
    }
    return events.more() ? 0 : nextWaitMillis();
  }

  /**
   * Answers the dashboard's questions about loaded classes that rode the sync answer, each with one
   * request of its own at once: the page waits for it while its user types.
   */
  private void answerClassQuestions(Map<String, Object> wire) {
    for (ClassQuestion question : ClassQuestion.listFromWire(wire)) {
      try {
        client.post(
            FleetApi.CLASS_ANSWERS,
            target.answer(process, question).toJson(),
            CONNECT_TIMEOUT_MILLIS,
            READ_MARGIN_MILLIS);
      } catch (IOException | RuntimeException e) {
        // Only the selector check misses this process's answer; it says how many answered.
        log.log(System.Logger.Level.DEBUG, "could not answer a class question: " + e);
      }
    }
  }

  /**
   * A heartbeat, or less when a change whose class was not loaded is due a retry: the poll ends
   * then, so the retry runs on this thread.
   */
  private long nextWaitMillis() {
    return Math.min(heartbeatMillis, reconciler.millisUntilRetry());
  }

  /**
   * Before a patch, which may wait for its safe point: the controller shows "waiting" meanwhile.
   */
  private void reportWaiting(String changeId) {
    Map<String, ChangeReport> report = reconciler.report();
    try {
      SyncBody body = syncBody(report, Map.of(), List.of(), 0, 0);
      client.post(FleetApi.SYNC, body.toJson(), CONNECT_TIMEOUT_MILLIS, READ_MARGIN_MILLIS);
      lastReportBody = body.keepAlive();
      reconciler.reported(report);
    } catch (IOException | RuntimeException e) {
      // The next regular sync reports the outcome; "waiting" was only a courtesy.
      log.log(System.Logger.Level.DEBUG, "could not report change " + changeId + " waiting: " + e);
    }
  }

  /**
   * Applies the desired changes while a second thread keeps the lease: compiling a patch and
   * waiting for its safe point can take longer than three heartbeats on a busy host, and the
   * controller would then drop a process that is only busy (seen in ServiceTest at load 30). The
   * keep-alive repeats the last report, so it tells the controller nothing new or false.
   */
  private void reconcileKeepingAlive(Runnable reconcile) {
    KeepAlive keepAlive = new KeepAlive();
    keepAlive.start();
    try {
      reconcile.run();
    } finally {
      keepAlive.finish();
    }
  }

  /**
   * Repeats the last report every half heartbeat until {@link #finish}; its own client, so a stop
   * breaks it too.
   */
  private final class KeepAlive extends Thread {
    private final ControllerClient keepAliveClient =
        new ControllerClient(currentController(), token, tls);
    private volatile boolean done;

    KeepAlive() {
      super("jlive-fleet-keepalive");
      setDaemon(true);
    }

    @Override
    public void run() {
      long every = Math.max(MIN_HEARTBEAT_MILLIS / 2, heartbeatMillis / 2);
      while (!done && running) {
        synchronized (this) {
          try {
            wait(every);
          } catch (InterruptedException e) {
            return;
          }
        }
        SyncBody body = lastReportBody;
        if (done || !running || body == null || process == null) {
          continue;
        }
        try {
          keepAliveClient.post(
              FleetApi.SYNC, body.toJson(), CONNECT_TIMEOUT_MILLIS, READ_MARGIN_MILLIS);
        } catch (IOException | RuntimeException e) {
          log.log(
              System.Logger.Level.DEBUG,
              "keep-alive sync failed (the next regular sync tries again): " + e);
        }
      }
    }

    void finish() {
      done = true;
      synchronized (this) {
        notifyAll();
      }
      keepAliveClient.close();
      try {
        join(STOP_TIMEOUT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private SyncBody syncBody(
      Map<String, ChangeReport> report,
      Map<String, Object> metrics,
      List<Map<String, Object>> events,
      long waitMillis,
      long eventsDropped) {
    return new SyncBody(
        FleetApi.PROTOCOL_VERSION,
        process,
        desiredVersion,
        waitMillis,
        report,
        metrics,
        events,
        eventsDropped,
        reconciler.shadows());
  }

  private EventBatch events() {
    EventBatch batch =
        eventPage(
            reconciler.fleetIdsByLocalId(),
            target,
            eventCursor,
            MAX_EVENTS_PER_SYNC,
            MAX_EVENT_BYTES_PER_SYNC);
    if (batch.dropped() > 0) {
      log.log(
          System.Logger.Level.WARNING,
          "{0} probe events were each larger than a sync may carry ({1} bytes) and were not sent",
          Long.toString(batch.dropped()),
          Integer.toString(MAX_EVENT_BYTES_PER_SYNC));
    }
    return batch;
  }

  /**
   * One page of the fleet's probes' events after {@code cursor}, tagged with their change: at most
   * {@code maxEvents} events and {@code maxBytes} bytes of JSON. The rest waits for the next sync
   * ({@code more}); an event larger than a whole page on its own is dropped and counted.
   */
  static EventBatch eventPage(
      Map<String, String> fleetIds, FleetTarget target, long cursor, int maxEvents, int maxBytes) {
    List<Map<String, Object>> tagged = new ArrayList<>();
    if (fleetIds.isEmpty()) {
      // Nothing of the fleet's can have fired: skip what the local probes logged.
      return new EventBatch(tagged, target.nextEventSequence() - 1, false, 0);
    }
    long bytes = 0;
    long dropped = 0;
    for (int round = 0; round < 20; round++) {
      FleetTarget.Events slice = target.events(cursor, 1000);
      for (Map<String, Object> event : slice.events()) {
        String fleetId = fleetIds.get(String.valueOf(event.get("probe")));
        if (fleetId != null) {
          if (tagged.size() == maxEvents) {
            return new EventBatch(tagged, cursor, true, dropped);
          }
          Map<String, Object> copy =
              JsonObject.create().put("change", fleetId).putAll(event).toMap();
          // The comma between events, and the event as the body will carry it.
          long size = 1 + Json.write(copy).getBytes(StandardCharsets.UTF_8).length;
          if (size > maxBytes) {
            dropped++;
          } else if (bytes + size > maxBytes) {
            return new EventBatch(tagged, cursor, true, dropped);
          } else {
            bytes += size;
            tagged.add(copy);
          }
        }
        cursor = ((Number) event.get("seq")).longValue();
      }
      cursor = Math.max(cursor, slice.last());
      if (slice.events().size() < 1000) {
        return new EventBatch(tagged, cursor, false, dropped);
      }
    }
    return new EventBatch(tagged, cursor, true, dropped);
  }

  /**
   * A page of events, the cursor after it, whether more are waiting, and how many were too large to
   * send.
   */
  record EventBatch(List<Map<String, Object>> events, long cursor, boolean more, long dropped) {}

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
