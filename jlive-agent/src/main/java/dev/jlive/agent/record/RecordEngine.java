package dev.jlive.agent.record;

import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.probe.ProbeEngine;
import dev.jlive.agent.probe.RecordedMethod;
import dev.jlive.agent.purity.Finding;
import dev.jlive.agent.purity.SideEffectCheck;
import dev.jlive.agent.purity.Verdict;
import dev.jlive.agent.weave.ClassBytes;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Version;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.record.RecordRequest;
import java.lang.instrument.Instrumentation;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jlive record}: a recording is a capture probe at the method's exit whose kept calls go to
 * a {@link Recording} instead of the event log, so it is sampled, conditioned, rate-limited, timed
 * out and CPU-budgeted like any probe, and shows in {@code jlive probe list}. It ends when it has
 * its count, when its duration is over, or when its probe stops; its probe is then taken out, and
 * its file stays until the agent stops (the newest {@link #KEPT} recordings).
 */
public final class RecordEngine {
  static final int KEPT = 16;

  /** The most a probe's rate limit allows (ProbeSpec's MAX_RATE). */
  private static final int MAX_RATE = 1_000_000;

  private final Instrumentation instrumentation;
  private final ProbeEngine probes;
  private final System.Logger log;
  private final Map<String, Recording> recordings = new LinkedHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final ScheduledThreadPoolExecutor timer;
  private final ReplayEngine replays;

  public RecordEngine(
      Instrumentation instrumentation, ProbeEngine probes, PatchEngine patches, System.Logger log) {
    this.instrumentation = instrumentation;
    this.probes = probes;
    this.replays = new ReplayEngine(instrumentation, patches);
    this.log = log;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "jlive-record");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  public synchronized void stop() {
    for (Recording recording : recordings.values()) {
      if (recording.isRunning()) {
        end(recording, "the agent stopped");
      }
    }
    timer.shutdownNow();
  }

  public synchronized Map<String, Object> begin(RecordRequest request, String author) {
    String id = "r" + (nextId.get() + 1);
    ProbeSpec spec =
        ProbeSpec.builder(request.selector(), ProbeSpec.Kind.CAPTURE)
            .at(ProbeSpec.Point.EXIT)
            .when(request.when())
            .sampleOneIn(request.sampleOneIn())
            // Bounded by its count, its bytes and the probe's CPU share, not by a rate: a rate
            // limit would turn the probe off on a method called more than ten times as often.
            .ratePerSecond(MAX_RATE)
            .timeToLive(request.duration().plusSeconds(5))
            .cpuPercent(request.cpuPercent())
            .build();
    Recording[] made = new Recording[1];
    var added =
        probes.addRecording(
            spec,
            author,
            method -> {
              refuseIfNotRepeatable(method);
              made[0] =
                  new Recording(
                      id,
                      author,
                      request,
                      header(method, request),
                      method.type().getClassLoader(),
                      () -> endSoon(made[0], "it has its " + request.count() + " calls"));
              return made[0];
            });
    Recording recording = made[0];
    recording.probeId = added.probe().id();
    nextId.incrementAndGet();
    recordings.put(id, recording);
    while (recordings.size() > KEPT) {
      String oldest = recordings.keySet().iterator().next();
      if (recordings.get(oldest).isRunning()) {
        break;
      }
      recordings.remove(oldest);
    }
    timer.schedule(
        () -> endSoon(recording, "its duration of " + request.duration() + " is over"),
        request.duration().toMillis(),
        TimeUnit.MILLISECONDS);
    log.log(
        System.Logger.Level.INFO,
        "recording {0} of {1} started by {2}",
        id,
        recording.header.display(),
        author);
    return recording.status();
  }

  public synchronized Map<String, Object> status(String id) {
    Recording recording = find(id);
    if (recording.isRunning()) {
      // A probe that went over a budget stops recording too: say why.
      probes.list().probes().stream()
          .filter(probe -> probe.id().equals(recording.probeId) && probe.reason() != null)
          .findFirst()
          .ifPresent(probe -> end(recording, "its probe stopped: " + probe.reason()));
    }
    return recording.status();
  }

  public synchronized Map<String, Object> end(String id) {
    Recording recording = find(id);
    if (recording.isRunning()) {
      end(recording, "ended by request");
    }
    return recording.status();
  }

  /** {@code jlive replay PID FILE --patch}: see {@link ReplayEngine}. */
  public Map<String, Object> replay(Object json) {
    return replays.replay(json);
  }

  /** The record file, base64 in {@code "file"}; only once the recording has ended. */
  public synchronized Map<String, Object> file(String id) {
    Recording recording = find(id);
    if (recording.isRunning()) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "recording " + id + " is still running",
          "wait for it to end, or end it with DELETE /v1/recordings?id=" + id);
    }
    Map<String, Object> answer = new LinkedHashMap<>(recording.status());
    answer.put("file", Base64.getEncoder().encodeToString(recording.file()));
    return answer;
  }

  private Recording find(String id) {
    Recording recording = recordings.get(id);
    if (recording == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "no recording " + id,
          "start one with `jlive record PID 'Class#method' -o FILE`");
    }
    return recording;
  }

  /** From any thread, the application's included: only schedules. */
  private void endSoon(Recording recording, String why) {
    if (recording == null || !recording.isRunning()) {
      return;
    }
    try {
      timer.execute(
          () -> {
            synchronized (this) {
              if (recording.isRunning()) {
                end(recording, why);
              }
            }
          });
    } catch (RejectedExecutionException stopping) {
      // The agent is stopping and ends every recording anyway.
    }
  }

  private void end(Recording recording, String why) {
    recording.endedWhy = why;
    try {
      probes.remove(recording.probeId, "recording " + recording.id + " ended: " + why);
    } catch (JLiveException alreadyRemoved) {
      // Removed by hand (`jlive probe rm`): nothing is woven any more.
    }
    log.log(System.Logger.Level.INFO, "recording {0} ended: {1}", recording.id, why);
  }

  /**
   * Values are copied when a call ends: a method that changes what existed before it would be
   * recorded as it left its arguments and receiver, not as it found them, and no replay would run
   * it (both refuse it as a shadow does). Refused here, before anything is woven.
   */
  private void refuseIfNotRepeatable(RecordedMethod method) {
    Verdict verdict =
        SideEffectCheck.of(instrumentation)
            .check(method.type(), method.name(), method.descriptor());
    if (verdict.repeatable()) {
      return;
    }
    List<String> reasons = new ArrayList<>();
    for (Finding finding : verdict.findings()) {
      reasons.add(finding.describe());
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        "the recording is refused: a call's values are copied when it ends, and "
            + verdict.method()
            + " may change them before that (so no replay would run it): "
            + String.join("; ", reasons),
        "record a method that passes `jlive check PID 'Class#method'`; to see the values of a"
            + " method that changes them, capture them on entry with a probe (`jlive probe add PID"
            + " 'Class#method' --capture --at entry`)");
  }

  private RecordHeader header(RecordedMethod method, RecordRequest request) {
    return new RecordHeader(
        method.type().getName(),
        method.name(),
        method.descriptor(),
        method.isStatic(),
        sha256(method.type()),
        Version.current(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        System.currentTimeMillis(),
        request.selector());
  }

  private String sha256(Class<?> type) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(ClassBytes.current(instrumentation, type)));
    } catch (Exception | LinkageError unreadable) {
      return null;
    }
  }
}
