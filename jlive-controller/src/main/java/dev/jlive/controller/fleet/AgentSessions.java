package dev.jlive.controller.fleet;

import dev.jlive.controller.store.FleetStore;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The agents connected to this controller: registration, the sync long poll (heartbeat, report
 * and delivery of the desired changes in one request) and the leases that drop a process that
 * stopped syncing. A parked poll holds no thread: it is answered when the service's desired
 * state changes (seen through the store's mirror, so a change made at another controller wakes
 * it too) or when its wait ends.
 */
public final class AgentSessions implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");
  private static final int EVENTS_KEPT = 200;
  /** Half of ZooKeeper's default limit on a node's data (jute.maxbuffer, 1 MB): the events node always fits. */
  private static final long EVENT_BYTES_KEPT = 512 * 1024;
  private static final long MAX_WAIT_MILLIS = 30_000;

  private final FleetStore store;
  private final Duration heartbeat;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, Map<Lease, Parked>> parked = new ConcurrentHashMap<>();
  private final Map<String, Answers> answers = new ConcurrentHashMap<>();
  private final ExecutorService writers = Executors.newFixedThreadPool(8, daemon("jlive-controller-writer"));
  private final ExecutorService answering = Executors.newFixedThreadPool(4, daemon("jlive-controller-answer"));
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
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

  public Map<String, Object> register(Map<String, Object> body, long now) {
    String service = Names.service(body.get("service"));
    Map<String, String> labels = Names.labels(body.get("labels"), "labels");
    String host = text(body, "host");
    long pid = body.get("pid") instanceof Number number ? number.longValue() : -1;
    String instance = text(body, "instance");
    if (pid <= 0) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "register needs the process id (pid)", "agents send it themselves");
    }
    String id = (host + "-" + pid + "-" + instance.substring(0, Math.min(8, instance.length()))).replaceAll("[^A-Za-z0-9._-]", "_");
    store.ensureService(service, now);
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("id", id);
    process.put("service", service);
    process.put("host", host);
    process.put("pid", pid);
    process.put("javaVersion", String.valueOf(body.get("javaVersion")));
    process.put("agentVersion", String.valueOf(body.get("agentVersion")));
    process.put("labels", labels);
    process.put("registeredAt", Instant.ofEpochMilli(now).toString());
    store.putEphemeral(service, "processes", id, process);
    Lease lease = new Lease(service, id, labels);
    Lease previous = leases.put(id, lease);
    if (previous != null) {
      answerNow(previous);
    }
    LOG.log(System.Logger.Level.INFO, "process {0} of {1} registered (labels {2})", id, service, labels);
    return Map.of("process", id, "heartbeatMillis", heartbeat.toMillis());
  }

  /** Records the report, then answers through {@code answer}: now, or when the desired state changes, or when the wait ends. */
  public void sync(Map<String, Object> body, Consumer<Map<String, Object>> answer) {
    Lease lease = lease(text(body, "process"));
    lease.lastSeenNanos = System.nanoTime();
    record(lease, body);
    long known = body.get("desiredVersion") instanceof Number number ? number.longValue() : -1;
    long wait = Math.max(0, Math.min(MAX_WAIT_MILLIS, body.get("waitMillis") instanceof Number number ? number.longValue() : 0));
    FleetStore.Desired desired = store.desired(lease.service);
    if (desired.version() != known || wait == 0) {
      answer.accept(answerFor(lease, desired, known));
      return;
    }
    Parked poll = new Parked(lease, known, answer);
    Parked before = parked.computeIfAbsent(lease.service, s -> new ConcurrentHashMap<>()).put(lease, poll);
    if (before != null) {
      before.complete(Map.of("desiredVersion", desired.version(), "unchanged", true));
    }
    timer.schedule(() -> finish(poll), wait, TimeUnit.MILLISECONDS);
    // The desired state may have changed between reading it and parking: check once more.
    if (store.desired(lease.service).version() != known) {
      finish(poll);
    }
  }

  public Map<String, Object> deregister(Map<String, Object> body) {
    String id = text(body, "process");
    Lease lease = leases.remove(id);
    if (lease != null) {
      answerNow(lease);
      store.deleteProcess(lease.service, id);
      LOG.log(System.Logger.Level.INFO, "process {0} of {1} deregistered", id, lease.service);
    }
    return Map.of("deregistered", lease != null);
  }

  /** When the process last synced with this controller; null when it is not connected here. */
  public Instant lastSeen(String processId) {
    Lease lease = leases.get(processId);
    return lease == null ? null : Instant.now().minusNanos(System.nanoTime() - lease.lastSeenNanos);
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
      // Registered at another controller, or before this one restarted: adopt it if the store knows it.
      for (String service : store.services()) {
        Map<String, Object> process = store.process(service, id);
        if (process != null) {
          Lease adopted = new Lease(service, id, Names.labels(process.get("labels"), "labels"));
          Lease raced = leases.putIfAbsent(id, adopted);
          return raced != null ? raced : adopted;
        }
      }
    } else {
      leases.remove(id, lease);
    }
    throw new JLiveException(ErrorCode.UNKNOWN_PROCESS, "process " + id + " is not registered", "register again");
  }

  /**
   * Keeps the process's report and events, and has them written to ZooKeeper by a writer thread
   * when they differ from what was written last: the sync is answered without waiting for
   * ZooKeeper, and a burst of reports for one process costs one write.
   */
  private void record(Lease lease, Map<String, Object> body) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("changes", body.getOrDefault("changes", Map.of()));
    report.put("metrics", body.getOrDefault("metrics", Map.of()));
    String text = Json.write(report);
    List<Object> events = body.get("events") instanceof List<?> list ? new ArrayList<>(list) : List.of();
    long droppedByAgent = body.get("eventsDropped") instanceof Number number ? Math.max(0, number.longValue()) : 0;
    synchronized (lease) {
      if (!text.equals(lease.reportKept)) {
        lease.reportKept = text;
        report.put("at", Instant.now().toString());
        lease.reportToWrite = report;
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
      Map<String, Object> report;
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
          store.putEphemeral(lease.service, "reports", lease.id, report);
        }
        if (events != null) {
          store.putEphemeral(lease.service, "events", lease.id, Map.of("events", events, "dropped", dropped));
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
        LOG.log(System.Logger.Level.WARNING, "report of {0} not written: {1}", lease.id, storeDown.getMessage());
        return;
      }
    }
  }

  private Map<String, Object> answerFor(Lease lease, FleetStore.Desired desired, long known) {
    if (desired.version() == known) {
      return Map.of("desiredVersion", desired.version(), "unchanged", true);
    }
    // One answer per desired version and set of labels, however many processes ask for it.
    Answers memo = answers.compute(lease.service,
        (service, old) -> old != null && old.version == desired.version() ? old : new Answers(desired.version()));
    return memo.byLabels.computeIfAbsent(lease.labels, labels -> {
      List<Object> changes = new ArrayList<>();
      for (String id : desired.active()) {
        Map<String, Object> change = store.change(lease.service, id);
        if (change != null && Names.matches((Map<?, ?>) change.get("where"), labels)) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("id", id);
          entry.put("kind", change.get("kind"));
          entry.put("spec", change.get("spec"));
          entry.put("author", change.get("author"));
          entry.put("createdAt", change.get("createdAt"));
          changes.add(entry);
        }
      }
      return Map.of("desiredVersion", desired.version(), "changes", changes);
    });
  }

  private static final class Answers {
    final long version;
    final Map<Map<String, String>, Map<String, Object>> byLabels = new ConcurrentHashMap<>();

    Answers(long version) {
      this.version = version;
    }
  }

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

  /** A process that has not synced for three heartbeats has stopped or lost us: it leaves the live list. */
  private void dropSilentProcesses() {
    long limit = System.nanoTime() - 3 * heartbeat.toNanos() - TimeUnit.SECONDS.toNanos(1);
    for (Lease lease : new ArrayList<>(leases.values())) {
      Map<Lease, Parked> polls = parked.get(lease.service);
      boolean waiting = polls != null && polls.containsKey(lease);
      if (!waiting && lease.lastSeenNanos < limit && leases.remove(lease.id, lease)) {
        try {
          Map<String, Object> process = store.process(lease.service, lease.id);
          Map<String, Object> lost = new LinkedHashMap<>(process == null ? Map.of() : process);
          long now = System.currentTimeMillis();
          lost.put("lostAt", Instant.ofEpochMilli(now).toString());
          lost.put("lostAtMillis", now);
          store.markLost(lease.service, lease.id, lost, now, TimeUnit.HOURS.toMillis(1));
          store.deleteProcess(lease.service, lease.id);
          LOG.log(System.Logger.Level.INFO, "process {0} of {1} stopped syncing; dropped", lease.id, lease.service);
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
    parked.values().forEach(polls -> polls.values().forEach(poll ->
        poll.complete(new JLiveException(ErrorCode.AGENT_STOPPING, "controller stopping", "the agent reconnects").toJson())));
  }

  private static String text(Map<String, Object> body, String key) {
    Object value = body.get(key);
    if (value == null || String.valueOf(value).isBlank()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + key + "' is missing", "see FleetApi for the agent protocol");
    }
    return String.valueOf(value);
  }

  private static final class Lease {
    final String service;
    final String id;
    final Map<String, String> labels;
    final KeptEvents events = new KeptEvents(EVENTS_KEPT, EVENT_BYTES_KEPT);
    volatile long lastSeenNanos = System.nanoTime();
    String reportKept;
    Map<String, Object> reportToWrite;
    boolean eventsToWrite;
    boolean writing;

    Lease(String service, String id, Map<String, String> labels) {
      this.service = service;
      this.id = id;
      this.labels = labels;
    }
  }

  private static final class Parked {
    final Lease lease;
    final long known;
    final Consumer<Map<String, Object>> answer;
    final AtomicBoolean done = new AtomicBoolean();

    Parked(Lease lease, long known, Consumer<Map<String, Object>> answer) {
      this.lease = lease;
      this.known = known;
      this.answer = answer;
    }

    void complete(Map<String, Object> body) {
      if (done.compareAndSet(false, true)) {
        answer.accept(body);
      }
    }
  }
}
