package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.ClassQuestion;
import dev.jlive.protocol.fleet.DeregisterAnswer;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.DesiredChange;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.fleet.LostProcess;
import dev.jlive.protocol.fleet.ProcessInfo;
import dev.jlive.protocol.fleet.ProcessReport;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The agents connected to this controller: registration, the sync long poll (heartbeat, report and
 * delivery of the desired changes in one request) and the leases that drop a process that stopped
 * syncing. A parked poll holds no thread: it is answered when the service's desired state changes
 * (seen through the store's mirror, so a change made at another controller wakes it too) or when
 * its wait ends.
 */
public final class AgentSessions implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");
  private static final int EVENTS_KEPT = 200;

  /**
   * Half of ZooKeeper's default limit on a node's data (jute.maxbuffer, 1 MB): the events node
   * always fits.
   */
  private static final long EVENT_BYTES_KEPT = 512 * 1024;

  private static final long MAX_WAIT_MILLIS = 30_000;

  private final FleetStore store;
  private final Duration heartbeat;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, Map<Lease, Parked>> parked = new ConcurrentHashMap<>();
  private final Map<String, Answers> answers = new ConcurrentHashMap<>();
  private final ClassQuestions classQuestions = new ClassQuestions();
  private final ExecutorService writers =
      Executors.newFixedThreadPool(8, daemon("jlive-controller-writer"));
  private final ExecutorService answering =
      Executors.newFixedThreadPool(4, daemon("jlive-controller-answer"));
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          2,
          runnable -> {
            Thread thread = new Thread(runnable, "jlive-controller-timer");
            thread.setDaemon(true);
            return thread;
          });

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  public AgentSessions(FleetStore store, Duration heartbeat) {
    this.store = store;
    this.heartbeat = heartbeat;
    store.onDesiredChange(service -> timer.execute(() -> wake(service)));
    long every = Math.max(100, heartbeat.toMillis());
    timer.scheduleWithFixedDelay(this::dropSilentProcesses, every, every, TimeUnit.MILLISECONDS);
  }

  public RegisterAnswer register(RegisterBody body, long now) {
    String id =
        (body.host()
                + "-"
                + body.pid()
                + "-"
                + body.instance().substring(0, Math.min(8, body.instance().length())))
            .replaceAll("[^A-Za-z0-9._-]", "_");
    String service = body.service();
    store.ensureService(service, now);
    store.putProcess(
        service, ProcessInfo.registered(id, body, Instant.ofEpochMilli(now).toString()));
    Lease lease = new Lease(service, id, body.labels(), body.protocolVersion());
    Lease previous = leases.put(id, lease);
    if (previous != null) {
      answerNow(previous);
    }
    String note = protocolNote(body.protocolVersion());
    LOG.log(
        System.Logger.Level.INFO,
        "process {0} of {1} registered (labels {2}, agent protocol {3}){4}",
        id,
        service,
        body.labels(),
        Integer.toString(body.protocolVersion()),
        note == null ? "" : ": " + note);
    return new RegisterAnswer(id, heartbeat.toMillis(), FleetApi.PROTOCOL_VERSION, note);
  }

  /**
   * What the side with the older protocol lacks, for the agent's log and the controller's; null
   * when both speak the same.
   */
  static String protocolNote(int agentProtocol) {
    if (agentProtocol < FleetApi.PROTOCOL_VERSION) {
      return "this agent speaks agent protocol "
          + agentProtocol
          + " and the controller (jlive "
          + Version.current()
          + ") "
          + FleetApi.PROTOCOL_VERSION
          + ": it is served as before, but it lacks what came since (answers read as typed records,"
          + " fields it does not know logged, notes like this one in its own log); upgrade its agent jar to jlive "
          + Version.current();
    }
    if (agentProtocol > FleetApi.PROTOCOL_VERSION) {
      return "this agent speaks agent protocol "
          + agentProtocol
          + " and the controller (jlive "
          + Version.current()
          + ") only "
          + FleetApi.PROTOCOL_VERSION
          + ": fields the controller does not know are ignored; upgrade the controller";
    }
    return null;
  }

  /**
   * Records the report, then answers through {@code answer}: now, or when the desired state
   * changes, or when the wait ends. The answer is a JSON object ({@code Map}), or, for the changes
   * of a desired version, that object already encoded ({@code byte[]}, UTF-8): thousands of
   * processes get the same bytes, encoded once.
   */
  public void sync(SyncBody body, Consumer<Object> answer) {
    Lease lease = lease(body.process());
    lease.lastSeenNanos = System.nanoTime();
    record(lease, body);
    long known = body.desiredVersion();
    long wait = Math.min(MAX_WAIT_MILLIS, body.waitMillis());
    FleetStore.Desired desired = store.desired(lease.service);
    if (desired.version() != known || wait == 0 || !pendingQuestions(lease).isEmpty()) {
      answer.accept(answerFor(lease, desired, known));
      return;
    }
    Parked poll = new Parked(lease, known, answer);
    Parked before =
        parked.computeIfAbsent(lease.service, s -> new ConcurrentHashMap<>()).put(lease, poll);
    if (before != null) {
      before.complete(new SyncAnswer.Unchanged(desired.version()).toJson());
    }
    timer.schedule(() -> finish(poll), wait, TimeUnit.MILLISECONDS);
    // The desired state may have changed between reading it and parking: check once more.
    if (store.desired(lease.service).version() != known) {
      finish(poll);
    }
  }

  /**
   * Asks the service's processes connected here which classes they have loaded: the question rides
   * the answer to each one's long poll (a parked poll is answered at once), and each answers with a
   * request of its own ({@link #answer}). Processes connected to another controller, and agents
   * older than {@link FleetApi#FIRST_CLASS_QUESTION_PROTOCOL_VERSION}, are not asked.
   *
   * @return the answers that came within {@code waitMillis}, and how many processes were asked
   */
  public Asked askClasses(
      String service, String pattern, int limit, String className, long waitMillis) {
    Set<String> asked = new TreeSet<>();
    for (Lease lease : leases.values()) {
      if (lease.service.equals(service) && lease.answersClassQuestions) {
        asked.add(lease.id);
      }
    }
    ClassQuestion question =
        new ClassQuestion(UUID.randomUUID().toString(), pattern, limit, className);
    ClassQuestions.Open open =
        asked.isEmpty() ? null : classQuestions.open(service, question, asked);
    if (open == null) {
      return new Asked(List.of(), 0);
    }
    wake(service);
    return new Asked(classQuestions.await(open, waitMillis), asked.size());
  }

  /** See {@link #askClasses}. */
  public record Asked(List<ClassAnswer> answers, int asked) {}

  /** A process's answer to a class question (its own request, after its sync brought it). */
  public void answer(ClassAnswer answer) {
    classQuestions.answer(lease(answer.process()).service, answer);
  }

  public DeregisterAnswer deregister(DeregisterBody body) {
    String id = body.process();
    Lease lease = leases.remove(id);
    if (lease != null) {
      answerNow(lease);
      store.deleteProcess(lease.service, id);
      LOG.log(System.Logger.Level.INFO, "process {0} of {1} deregistered", id, lease.service);
    }
    return new DeregisterAnswer(lease != null);
  }

  /**
   * The service a registered process belongs to, adopting it when it registered at another
   * controller; null when the controller does not know the process.
   */
  public String serviceOf(String processId) {
    try {
      return lease(processId).service;
    } catch (JLiveException unknown) {
      return null;
    }
  }

  /**
   * When the process last synced with this controller, to the second; null when it is not connected
   * here. Whole seconds: the instant is worked out from two clocks read now, whose difference
   * jitters by microseconds from one read to the next, and a row that reads the same until the
   * process syncs again is a row the dashboard need not resend.
   */
  public Instant lastSeen(String processId) {
    Lease lease = leases.get(processId);
    return lease == null
        ? null
        : Instant.now()
            .minusNanos(System.nanoTime() - lease.lastSeenNanos)
            .truncatedTo(ChronoUnit.SECONDS);
  }

  public int connected() {
    return leases.size();
  }

  public int parkedPolls() {
    return parked.values().stream().mapToInt(Map::size).sum();
  }

  private Lease lease(String id) {
    Lease lease = leases.get(id);
    if (lease != null && store.process(lease.service, id) != null) {
      return lease;
    }
    if (lease == null) {
      // Registered at another controller, or before this one restarted: adopt it if the store knows
      // it.
      for (String service : store.services()) {
        ProcessInfo process = store.mirroredProcess(service, id);
        if (process != null) {
          Lease adopted = new Lease(service, id, process.labels(), process.protocolVersion());
          Lease raced = leases.putIfAbsent(id, adopted);
          return raced != null ? raced : adopted;
        }
      }
    } else {
      leases.remove(id, lease);
    }
    throw new JLiveException(
        ErrorCode.UNKNOWN_PROCESS, "process " + id + " is not registered", "register again");
  }

  /**
   * Keeps the process's report and events, and has them written to ZooKeeper by a writer thread
   * when they differ from what was written last ({@link ReportWrites}): the sync is answered
   * without waiting for ZooKeeper, and a burst of reports for one process costs one write.
   */
  private void record(Lease lease, SyncBody body) {
    ProcessReport report = ProcessReport.of(body, null);
    String text = Json.write(report.toJson());
    List<Map<String, Object>> events = body.events();
    long droppedByAgent = body.eventsDropped();
    synchronized (lease) {
      if (!text.equals(lease.reportKept)) {
        lease.reportKept = text;
        ProcessReport received = report.at(Instant.now().toString());
        store.reportReceived(lease.service, lease.id, received);
        if (ReportWrites.needed(lease.reportQueued, received)) {
          lease.reportQueued = received;
          lease.reportToWrite = received;
        }
      }
      if (!events.isEmpty() || droppedByAgent > 0) {
        lease.events.add(events, droppedByAgent);
        lease.eventsToWrite = true;
      }
      if ((lease.reportToWrite != null || lease.eventsToWrite) && !lease.writing) {
        lease.writing = true;
        writers.execute(() -> write(lease));
      }
    }
  }

  private void write(Lease lease) {
    while (true) {
      ProcessReport report;
      List<Object> events;
      long dropped;
      synchronized (lease) {
        report = lease.reportToWrite;
        events = lease.eventsToWrite ? lease.events.list() : null;
        dropped = lease.events.dropped();
        lease.reportToWrite = null;
        lease.eventsToWrite = false;
        if ((report == null && events == null) || leases.get(lease.id) != lease) {
          lease.writing = false;
          return;
        }
      }
      try {
        if (report != null) {
          store.putEphemeral(lease.service, "reports", lease.id, report.toJson());
        }
        if (events != null) {
          store.putEphemeral(
              lease.service,
              "events",
              lease.id,
              JsonObject.create().put("events", events).put("dropped", dropped).toMap());
        }
      } catch (JLiveException storeDown) {
        // Kept in memory: the next sync of this process schedules the write again.
        synchronized (lease) {
          if (lease.reportToWrite == null) {
            lease.reportToWrite = report;
          }
          lease.eventsToWrite |= events != null;
          lease.writing = false;
        }
        LOG.log(
            System.Logger.Level.WARNING,
            "report of {0} not written: {1}",
            lease.id,
            storeDown.getMessage());
        return;
      }
    }
  }

  /** The sync answer: a map, or the encoded bytes shared by every process of one audience. */
  private Object answerFor(Lease lease, FleetStore.Desired desired, long known) {
    Object answer = desiredFor(lease, desired, known);
    List<ClassQuestion> pending = pendingQuestions(lease);
    if (pending.isEmpty()) {
      return answer;
    }
    // Rare (only while someone types a selector): the shared answer is read back into a copy.
    Map<String, Object> desiredPart =
        answer instanceof byte[] encoded
            ? Json.parseObject(new String(encoded, StandardCharsets.UTF_8))
            : asMap(answer);
    return JsonObject.create().putAll(desiredPart).put(SyncAnswer.CLASS_QUESTIONS, pending).toMap();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object answer) {
    return (Map<String, Object>) answer;
  }

  /** The open class questions the lease's process has yet to answer. */
  private List<ClassQuestion> pendingQuestions(Lease lease) {
    return lease.answersClassQuestions
        ? classQuestions.pendingFor(lease.service, lease.id)
        : List.of();
  }

  private Object desiredFor(Lease lease, FleetStore.Desired desired, long known) {
    Answers memo =
        answers.compute(
            lease.service,
            (service, old) ->
                old != null && old.version == desired.version()
                    ? old
                    : new Answers(desired.version()));
    if (desired.version() == known) {
      return memo.unchanged;
    }
    // One answer per desired version, set of labels and set of rollouts that have not reached the
    // process yet, however many processes ask for it; with no staged rollout, per labels alone.
    Set<String> withheld = new TreeSet<>();
    desired
        .only()
        .forEach(
            (id, reached) -> {
              if (!reached.contains(lease.id)) {
                withheld.add(id);
              }
            });
    return memo.byAudience.computeIfAbsent(
        new Audience(lease.labels, withheld, lease.readsShadows),
        audience -> {
          Map<String, String> labels = audience.labels();
          List<DesiredChange> changes = new ArrayList<>();
          for (String id : desired.active()) {
            if (audience.withheld().contains(id)) {
              continue;
            }
            Change change = store.change(lease.service, id);
            // An older agent would refuse the whole answer for one change of a kind it cannot read.
            if (change != null
                && Labels.matches(change.where(), labels)
                && (change.kind() != ChangeKind.SHADOW || audience.readsShadows())) {
              changes.add(
                  new DesiredChange(
                      id,
                      change.kind(),
                      change.spec(),
                      change.where(),
                      change.author(),
                      change.createdAt(),
                      change.signature()));
            }
          }
          return encoded(new SyncAnswer.Changes(desired.version(), changes).toJson());
        });
  }

  private static final class Answers {
    final long version;

    /**
     * The answer to every idle heartbeat of the version (hundreds a second at 2,000 processes),
     * encoded once.
     */
    final byte[] unchanged;

    /** Encoded: thousands of processes get the same answer, written once (UTF-8 JSON). */
    final Map<Audience, byte[]> byAudience = new ConcurrentHashMap<>();

    Answers(long version) {
      this.version = version;
      this.unchanged = encoded(new SyncAnswer.Unchanged(version).toJson());
    }
  }

  private static byte[] encoded(Map<String, Object> answer) {
    return Json.write(answer).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The processes that get the same answer: same labels, same rollouts still withheld, and whether
   * their agents read shadows.
   */
  private record Audience(Map<String, String> labels, Set<String> withheld, boolean readsShadows) {}

  private void wake(String service) {
    Map<Lease, Parked> polls = parked.get(service);
    if (polls != null) {
      new ArrayList<>(polls.values()).forEach(poll -> answering.execute(() -> finish(poll)));
    }
  }

  private void answerNow(Lease lease) {
    Map<Lease, Parked> polls = parked.get(lease.service);
    Parked poll = polls == null ? null : polls.get(lease);
    if (poll != null) {
      finish(poll);
    }
  }

  private void finish(Parked poll) {
    Map<Lease, Parked> polls = parked.get(poll.lease.service);
    if (polls != null) {
      polls.remove(poll.lease, poll);
    }
    poll.lease.lastSeenNanos = System.nanoTime();
    poll.complete(answerFor(poll.lease, store.desired(poll.lease.service), poll.known));
  }

  /**
   * A process that has not synced for three heartbeats has stopped or lost us: it leaves the live
   * list.
   */
  private void dropSilentProcesses() {
    long limit = System.nanoTime() - 3 * heartbeat.toNanos() - TimeUnit.SECONDS.toNanos(1);
    for (Lease lease : new ArrayList<>(leases.values())) {
      Map<Lease, Parked> polls = parked.get(lease.service);
      boolean waiting = polls != null && polls.containsKey(lease);
      if (!waiting && lease.lastSeenNanos < limit && leases.remove(lease.id, lease)) {
        try {
          ProcessInfo process = store.process(lease.service, lease.id);
          long now = System.currentTimeMillis();
          if (process == null) {
            // Its node went with another controller's session: what the lease knows is still worth
            // showing.
            process =
                new ProcessInfo(
                    lease.id,
                    lease.service,
                    null,
                    0,
                    null,
                    null,
                    FleetApi.FIRST_PROTOCOL_VERSION,
                    lease.labels,
                    null);
          }
          store.markLost(
              lease.service,
              lease.id,
              new LostProcess(process, Instant.ofEpochMilli(now).toString(), now),
              now,
              TimeUnit.HOURS.toMillis(1));
          store.deleteProcess(lease.service, lease.id);
          LOG.log(
              System.Logger.Level.INFO,
              "process {0} of {1} stopped syncing; dropped",
              lease.id,
              lease.service);
        } catch (JLiveException storeDown) {
          leases.putIfAbsent(lease.id, lease);
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    writers.shutdownNow();
    answering.shutdownNow();
    parked
        .values()
        .forEach(
            polls ->
                polls
                    .values()
                    .forEach(
                        poll ->
                            poll.complete(
                                new JLiveException(
                                        ErrorCode.AGENT_STOPPING,
                                        "controller stopping",
                                        "the agent reconnects")
                                    .toJson())));
  }

  private static final class Lease {
    final String service;
    final String id;
    final Map<String, String> labels;

    /** Whether its agent speaks a protocol that reads changes of kind shadow. */
    final boolean readsShadows;

    /** Whether its agent answers class questions (the dashboard's selector check). */
    final boolean answersClassQuestions;

    final KeptEvents events = new KeptEvents(EVENTS_KEPT, EVENT_BYTES_KEPT);
    volatile long lastSeenNanos = System.nanoTime();
    String reportKept;

    /** The last report handed to the writers: what ZooKeeper holds for this process, or will. */
    ProcessReport reportQueued;

    ProcessReport reportToWrite;
    boolean eventsToWrite;
    boolean writing;

    Lease(String service, String id, Map<String, String> labels, int protocolVersion) {
      this.service = service;
      this.id = id;
      this.labels = labels;
      this.readsShadows = protocolVersion >= FleetApi.FIRST_SHADOW_PROTOCOL_VERSION;
      this.answersClassQuestions =
          protocolVersion >= FleetApi.FIRST_CLASS_QUESTION_PROTOCOL_VERSION;
    }
  }

  private static final class Parked {
    final Lease lease;
    final long known;
    final Consumer<Object> answer;
    final AtomicBoolean done = new AtomicBoolean();

    Parked(Lease lease, long known, Consumer<Object> answer) {
      this.lease = lease;
      this.known = known;
      this.answer = answer;
    }

    void complete(Object body) {
      if (done.compareAndSet(false, true)) {
        answer.accept(body);
      }
    }
  }
}
