package dev.jlive.bench.scale;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.change.ProcessState;
import dev.jlive.protocol.fleet.ChangeReport;
import dev.jlive.protocol.fleet.DeregisterBody;
import dev.jlive.protocol.fleet.DesiredChange;
import dev.jlive.protocol.fleet.RegisterAnswer;
import dev.jlive.protocol.fleet.RegisterBody;
import dev.jlive.protocol.fleet.SyncAnswer;
import dev.jlive.protocol.fleet.SyncBody;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many agents in one JVM, speaking the controller's real agent protocol ({@link FleetApi}, with the
 * protocol's own records) over HTTP, with no JVM to change: register, then long-poll {@code
 * /v1/agents/sync}; a change it has not seen is "applied" at once and reported on its next long
 * poll, as the real agent does since issue 16 (or, with {@link #reportApart}, as older agents do:
 * with an immediate sync, {@code waitMillis} 0, then a long poll); a change that leaves the desired
 * state is reported {@code reverted} once, as the real agent does; {@code UNKNOWN_PROCESS} makes it
 * register again.
 *
 * <p>No thread per agent: every request is an asynchronous {@link HttpClient} call (one selector
 * thread, a small pool for the callbacks), so 2,000 agents are 2,000 open connections and a few
 * threads. Errors (refused, reset, time-out, 5xx) are counted by kind and retried after a back-off
 * of 200 ms doubling to 5 s with jitter, like the real agent.
 */
public final class SimulatedAgents implements AutoCloseable {
  private static final long MIN_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /**
   * Agents per HTTP client. The JDK client keeps its idle connections in a linked list that every
   * request walks (ConnectionPool.ExpiryList.remove): with all 2,000 agents on one client that walk
   * was a tenth of this JVM's CPU, which the controller shares (docs/BENCHMARKS.md, section 31).
   */
  private static final int AGENTS_PER_CLIENT = 250;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Beyond the poll's own wait: a controller answers a parked poll when its wait ends. */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(20);

  /** What the driver learns from the agents' side. */
  public interface Listener {
    /**
     * Agent {@code index} got change {@code changeId} in a sync answer, at {@code nanos} ({@link
     * System#nanoTime}).
     */
    void received(int index, String changeId, long nanos);
  }

  private final URI controller;
  private final String token;
  private final String service;
  private final Map<String, String> labels;
  private final Listener listener;
  private final ExecutorService callbacks;
  private final ScheduledExecutorService retries;

  /** Waits for a registration slot, so that no callback thread ever blocks. */
  private final ExecutorService registrar;

  /** Agent n sends through {@code clients.get(n % clients.size())}. */
  private final List<HttpClient> clients = new ArrayList<>();

  private final List<Agent> agents = new ArrayList<>();
  private final Semaphore registering;
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong registrations = new AtomicLong();
  private final AtomicLong reRegistrations = new AtomicLong();
  private final AtomicInteger registered = new AtomicInteger();
  private final AtomicInteger longPolling = new AtomicInteger();

  /** Per change: agents whose "applied" report was answered; kept so the driver need not scan. */
  private final Map<String, AtomicInteger> acknowledgements = new ConcurrentHashMap<>();

  /**
   * Per change: the CPU time (ns, of the callback thread) each agent spent on the answer that
   * brought it: parsing it, applying, building and sending the next sync. The agents' side of a
   * rollout, which a real fleet pays on each process's own host.
   */
  private final Map<String, List<Long>> applyCpuNanos = new ConcurrentHashMap<>();

  /** The first apply this JVM did at all (cold code), CPU ns, or -1. */
  private final AtomicLong firstApplyCpuNanos = new AtomicLong(-1);

  /**
   * For long polls answered "unchanged": how much longer than asked the controller held them, in
   * microseconds.
   */
  private final List<Long> overhangMicros = new ArrayList<>();

  private volatile long heartbeatMillis = 5_000;
  private volatile boolean reportApart;
  private volatile boolean running = true;

  /**
   * @param count how many agents
   * @param pidBase the first agent's pid; agent n has {@code pidBase + n}, host {@code sim-<n>}
   * @param registerConcurrency at most this many registrations in flight (a ramp, not a stampede)
   */
  public SimulatedAgents(
      URI controller,
      String token,
      String service,
      int count,
      long pidBase,
      Map<String, String> labels,
      int registerConcurrency,
      Listener listener) {
    this.controller = controller;
    this.token = token;
    this.service = service;
    this.labels = Map.copyOf(labels);
    this.listener = listener;
    this.registering = new Semaphore(registerConcurrency);
    this.callbacks =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors() * 2),
            daemon("jlive-sim-callback"));
    this.retries = Executors.newSingleThreadScheduledExecutor(daemon("jlive-sim-retry"));
    this.registrar = Executors.newSingleThreadExecutor(daemon("jlive-sim-register"));
    // HTTP/1.1 as the real agent speaks it (no h2c upgrade offer); the JDK client pools without a
    // limit (jdk.httpclient.connectionPoolSize=0), so each poll in flight has its own connection.
    for (int n = 0; n < (count + AGENTS_PER_CLIENT - 1) / AGENTS_PER_CLIENT; n++) {
      clients.add(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .executor(callbacks)
              .build());
    }
    for (int n = 0; n < count; n++) {
      agents.add(new Agent(n, pidBase + n));
    }
  }

  /**
   * Reports a change with a sync of its own that does not wait, then long-polls: agents before
   * issue 16, one more request per process and change.
   */
  public void reportApart(boolean apart) {
    reportApart = apart;
  }

  /** Starts every agent; registration is ramped by the concurrency limit. */
  public void start() {
    agents.forEach(Agent::registerAgain);
  }

  public int size() {
    return agents.size();
  }

  /** Agents that hold a process id now. */
  public int registered() {
    return registered.get();
  }

  /** Agents whose request in flight is a long poll (waitMillis &gt; 0): nothing left to tell. */
  public int longPolling() {
    return longPolling.get();
  }

  /** Agents that still report {@code changeId} (applied, or reverted and not yet told). */
  public int holding(String changeId) {
    int n = 0;
    for (Agent agent : agents) {
      synchronized (agent) {
        if (agent.applied.contains(changeId) || agent.revertedUntold.contains(changeId)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Agents that have seen the change and reported it applied in an answered sync. */
  public int acknowledged(String changeId) {
    AtomicInteger count = acknowledgements.get(changeId);
    return count == null ? 0 : count.get();
  }

  /** When the last agent's "applied" report for {@code changeId} was answered (nanoTime), or -1. */
  public long lastAcknowledgedNanos(String changeId) {
    long last = -1;
    for (Agent agent : agents) {
      synchronized (agent) {
        Long at = agent.acknowledgedNanos.get(changeId);
        if (at == null) {
          return -1;
        }
        last = Math.max(last, at);
      }
    }
    return last;
  }

  /**
   * The overhangs recorded since the last call (how much longer than its wait an unchanged long
   * poll took), ms.
   */
  public double[] takeOverhangMillis() {
    synchronized (overhangMicros) {
      double[] millis = overhangMicros.stream().mapToDouble(micros -> micros / 1000.0).toArray();
      overhangMicros.clear();
      return millis;
    }
  }

  /** CPU ns per agent that applied {@code changeId}, as it answered (unsorted copy). */
  public long[] applyCpuNanos(String changeId) {
    List<Long> cpu = applyCpuNanos.get(changeId);
    if (cpu == null) {
      return new long[0];
    }
    synchronized (cpu) {
      return cpu.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** CPU ns of the very first apply in this JVM (every path cold), or -1 if none yet. */
  public long firstApplyCpuNanos() {
    return firstApplyCpuNanos.get();
  }

  public long syncs() {
    return syncs.get();
  }

  public long registrations() {
    return registrations.get();
  }

  public long reRegistrations() {
    return reRegistrations.get();
  }

  /** Errors so far by kind (exception class, or HTTP status and error code). */
  public Map<String, Long> errors() {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((kind, count) -> copy.put(kind, count.get()));
    return copy;
  }

  /** Deregisters every agent (best effort, a few seconds at most) and stops. */
  @Override
  public void close() {
    running = false;
    List<CompletableFuture<?>> gone = new ArrayList<>();
    for (Agent agent : agents) {
      String id = agent.process;
      if (id != null) {
        gone.add(
            agent
                .send(FleetApi.DEREGISTER, new DeregisterBody(id), Duration.ofSeconds(5))
                .exceptionally(e -> null));
      }
    }
    try {
      CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    } catch (Exception slow) {
      // the controller drops them after three heartbeats anyway
    }
    registrar.shutdownNow();
    retries.shutdownNow();
    callbacks.shutdownNow();
  }

  private void recordApply(String changeId, long cpuNanos) {
    firstApplyCpuNanos.compareAndSet(-1, cpuNanos);
    List<Long> cpu = applyCpuNanos.computeIfAbsent(changeId, k -> new ArrayList<>());
    synchronized (cpu) {
      cpu.add(cpuNanos);
    }
  }

  private void count(String kind) {
    errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private static String errorCode(HttpResponse<String> response) {
    try {
      if (Json.parseObject(response.body()).get("error") instanceof Map<?, ?> error) {
        return String.valueOf(error.get("code"));
      }
    } catch (RuntimeException notJson) {
      // fall through
    }
    return "?";
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One simulated agent: its identity, what it has applied, and the request it has in flight. */
  private final class Agent {
    final int index;
    final long pid;
    final String instance = UUID.randomUUID().toString();
    volatile String process;
    long desiredVersion = -1;
    long backoff = MIN_BACKOFF_MILLIS;
    final Set<String> applied = new LinkedHashSet<>();
    final Set<String> revertedUntold = new LinkedHashSet<>();
    final Set<String> acknowledged = new LinkedHashSet<>();
    final Map<String, Long> acknowledgedNanos = new ConcurrentHashMap<>();

    Agent(int index, long pid) {
      this.index = index;
      this.pid = pid;
    }

    CompletableFuture<HttpResponse<String>> send(String path, JsonWritable body, Duration timeout) {
      HttpRequest request =
          HttpRequest.newBuilder(controller.resolve(path))
              .timeout(timeout)
              .header(Api.AUTHORIZATION, Api.BEARER + token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(Json.write(body.toJson())))
              .build();
      return clients
          .get(index % clients.size())
          .sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    void register() {
      if (!running) {
        registering.release();
        return;
      }
      RegisterBody body =
          new RegisterBody(
              FleetApi.PROTOCOL_VERSION,
              service,
              "sim-" + index,
              pid,
              System.getProperty("java.version"),
              "simulated",
              labels,
              instance);
      registrations.incrementAndGet();
      send(FleetApi.REGISTER, body, Duration.ofSeconds(60))
          .whenComplete(
              (response, failure) -> {
                registering.release();
                if (failure != null) {
                  failed(failure, this::registerAgain);
                  return;
                }
                if (response.statusCode() != 200) {
                  count("register " + response.statusCode() + " " + errorCode(response));
                  retryLater(this::registerAgain);
                  return;
                }
                RegisterAnswer answer;
                try {
                  answer = RegisterAnswer.fromWire(Json.parseObject(response.body()));
                } catch (JLiveException | IllegalArgumentException unreadable) {
                  count("register answer unreadable: " + unreadable.getMessage());
                  retryLater(this::registerAgain);
                  return;
                }
                heartbeatMillis = answer.heartbeatMillis();
                synchronized (this) {
                  desiredVersion = -1;
                  backoff = MIN_BACKOFF_MILLIS;
                }
                process = answer.process();
                registered.incrementAndGet();
                sync(0);
              });
    }

    void registerAgain() {
      if (running) {
        registrar.execute(
            () -> {
              registering.acquireUninterruptibly();
              register();
            });
      }
    }

    void sync(long waitMillis) {
      if (!running) {
        return;
      }
      // Reverts first, then what is applied, as the real agent reports them.
      Map<String, ChangeReport> report = new LinkedHashMap<>();
      long known;
      synchronized (this) {
        for (String id : revertedUntold) {
          report.put(id, ChangeReport.of(ProcessState.REVERTED));
        }
        for (String id : applied) {
          report.put(id, ChangeReport.of(ProcessState.APPLIED));
        }
        known = desiredVersion;
      }
      SyncBody body =
          new SyncBody(
              FleetApi.PROTOCOL_VERSION,
              process,
              known,
              waitMillis,
              report,
              Map.of(),
              List.of(),
              0);
      syncs.incrementAndGet();
      boolean poll = waitMillis > 0;
      if (poll) {
        longPolling.incrementAndGet();
      }
      long sent = System.nanoTime();
      send(FleetApi.SYNC, body, Duration.ofMillis(waitMillis).plus(ANSWER_MARGIN))
          .whenComplete(
              (response, failure) -> {
                long now = System.nanoTime();
                long cpuAtStart = THREADS.getCurrentThreadCpuTime();
                if (poll) {
                  longPolling.decrementAndGet();
                }
                if (failure != null) {
                  failed(failure, () -> sync(0));
                  return;
                }
                if (response.statusCode() != 200) {
                  String code = errorCode(response);
                  count("sync " + response.statusCode() + " " + code);
                  if (code.equals("UNKNOWN_PROCESS")) {
                    reRegistrations.incrementAndGet();
                    if (process != null) {
                      registered.decrementAndGet();
                      process = null;
                    }
                    registerAgain();
                  } else {
                    retryLater(() -> sync(0));
                  }
                  return;
                }
                SyncAnswer answer;
                try {
                  answer = SyncAnswer.fromWire(Json.parseObject(response.body()));
                } catch (JLiveException | IllegalArgumentException unreadable) {
                  count("sync answer unreadable: " + unreadable.getMessage());
                  retryLater(() -> sync(0));
                  return;
                }
                if (poll && answer instanceof SyncAnswer.Unchanged) {
                  synchronized (overhangMicros) {
                    if (overhangMicros.size() < 1_000_000) {
                      overhangMicros.add((now - sent) / 1000 - waitMillis * 1000);
                    }
                  }
                }
                String applied = handle(answer, report, now);
                if (applied != null) {
                  recordApply(applied, THREADS.getCurrentThreadCpuTime() - cpuAtStart);
                }
              });
    }

    /**
     * The answer to a sync that carried {@code report}: reconcile at once, then poll again. Returns
     * the first change it newly applied, or null.
     */
    String handle(SyncAnswer answer, Map<String, ChangeReport> report, long now) {
      boolean changed = false;
      String firstApplied = null;
      synchronized (this) {
        backoff = MIN_BACKOFF_MILLIS;
        revertedUntold.removeAll(report.keySet());
        for (String id : report.keySet()) {
          if (applied.contains(id) && acknowledged.add(id)) {
            acknowledgedNanos.put(id, now);
            acknowledgements.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          }
        }
        if (answer instanceof SyncAnswer.Changes changes) {
          Set<String> desired = new LinkedHashSet<>();
          for (DesiredChange change : changes.changes()) {
            desired.add(change.id());
          }
          for (String id : desired) {
            if (applied.add(id)) {
              listener.received(index, id, now);
              changed = true;
              firstApplied = firstApplied == null ? id : firstApplied;
            }
          }
          for (String id : new ArrayList<>(applied)) {
            if (!desired.contains(id)) {
              applied.remove(id);
              revertedUntold.add(id);
              changed = true;
            }
          }
        }
        desiredVersion = answer.desiredVersion();
      }
      sync(changed && reportApart ? 0 : heartbeatMillis);
      return firstApplied;
    }

    void failed(Throwable failure, Runnable retry) {
      Throwable cause =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      count(
          cause instanceof HttpTimeoutException
              ? "time-out"
              : cause instanceof IOException
                  ? cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                  : cause.toString());
      retryLater(retry);
    }

    void retryLater(Runnable retry) {
      long wait;
      synchronized (this) {
        wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
      if (running) {
        retries.schedule(retry, wait, TimeUnit.MILLISECONDS);
      }
    }
  }
}
