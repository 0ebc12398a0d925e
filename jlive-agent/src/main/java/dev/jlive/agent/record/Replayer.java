package dev.jlive.agent.record;

import dev.jlive.agent.compare.Difference;
import dev.jlive.agent.compare.OutcomeComparison;
import dev.jlive.agent.probe.ValueRenderer;
import dev.jlive.protocol.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the calls of a record file again and sets each outcome beside the recorded one: equal,
 * different (with where), or not replayable (with why). The same for a fresh JVM against a local
 * build ({@link FreshReplay}) and inside the target against a candidate ({@link ReplayEngine}):
 * only the body that runs and the class loader that reads the values differ.
 *
 * <p>Each call runs on a thread of its own, bounded by {@link #CALL_TIMEOUT_MILLIS}, so a replayed
 * body that loops costs a verdict, not the replay.
 */
final class Replayer {
  static final long CALL_TIMEOUT_MILLIS = 5_000;

  /** Calls listed one by one in the report; past it only the counts grow. */
  static final int MAX_LISTED = 10_000;

  /** The body a replay runs: the recorded method as the build or candidate has it. */
  interface Body {
    Object run(Object self, Object[] args) throws Throwable;
  }

  private Replayer() {}

  /**
   * @param loader reads the recorded values (the build's classes, or the method's class loader)
   * @param missing what a class missing from {@code loader} means, e.g. "the class path lacks it"
   * @param against what the calls run against, for the report
   */
  static Map<String, Object> replay(
      RecordFile file, ClassLoader loader, Body body, String missing, String against) {
    int equal = 0;
    int different = 0;
    int notReplayable = 0;
    List<Object> results = new ArrayList<>();
    ExecutorService runner = newRunner();
    try {
      for (int index = 0; index < file.calls().size(); index++) {
        RecordedCall call = file.calls().get(index);
        JsonObject result =
            JsonObject.create().put("call", index + 1).put("arguments", call.arguments());
        String recorded = null;
        String why = null;
        List<Difference> differences = List.of();
        String replayed = null;
        if (call.cut() != null) {
          why = "its capture was cut when recorded: " + call.cut();
        } else {
          Object[] graph = null;
          try {
            graph = CallCodec.read(call.graph(), loader);
          } catch (Throwable e) {
            result.put("arguments", "(values not read)");
            String name = CallCodec.missingClass(e);
            why =
                name != null
                    ? "class " + name + " is missing: " + missing
                    : "its recorded values cannot be read: " + CallCodec.firstLine(e);
          }
          if (graph != null) {
            Object self = graph[0];
            Object[] args = (Object[]) graph[1];
            result.put("arguments", ValueRenderer.text(args));
            recorded = call.outcome(graph[2]);
            Future<Object> run = runner.submit(() -> invoke(body, self, args));
            Object outcome;
            try {
              outcome = run.get(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
              run.cancel(true);
              runner.shutdownNow();
              runner = newRunner();
              outcome = null;
              why = "it did not end within " + CALL_TIMEOUT_MILLIS + " ms";
            } catch (ExecutionException | InterruptedException e) {
              outcome = null;
              why = "it could not be run: " + e;
            }
            if (why == null) {
              Thrown thrown = outcome instanceof Thrown t ? t : null;
              replayed =
                  thrown == null
                      ? "returned " + ValueRenderer.text(outcome)
                      : "threw "
                          + thrown.failure().getClass().getName()
                          + ": "
                          + thrown.failure().getMessage();
              if (call.threw() || thrown != null) {
                boolean same =
                    call.threw()
                        && thrown != null
                        && call.thrownType().equals(thrown.failure().getClass().getName())
                        && Objects.equals(call.thrownMessage(), thrown.failure().getMessage());
                differences = same ? List.of() : List.of(new Difference("", recorded, replayed));
              } else {
                OutcomeComparison.Result compared =
                    OutcomeComparison.compareValues(graph[2], outcome);
                if (!compared.decided()) {
                  why = "the outcomes cannot be compared: " + compared.undecided();
                }
                differences = compared.differences();
              }
            }
          }
        }
        String verdict;
        if (why != null) {
          notReplayable++;
          verdict = "not-replayable";
          result.put("why", why);
        } else if (differences.isEmpty()) {
          equal++;
          verdict = "equal";
        } else {
          different++;
          verdict = "different";
          result
              .put("recorded", recorded)
              .put("replayed", replayed)
              .put("differences", differences.stream().map(Difference::describe).toList());
        }
        if (results.size() < MAX_LISTED) {
          results.add(result.put("verdict", verdict).toMap());
        }
      }
    } finally {
      runner.shutdownNow();
    }
    return JsonObject.create()
        .put("method", file.header().display())
        .put("against", against)
        .put("recordedBy", file.header().agentVersion())
        .put("recordedOn", file.header().jvm())
        .put("replayedOn", System.getProperty("java.vm.name") + " " + Runtime.version())
        .put("calls", file.calls().size())
        .put("equal", equal)
        .put("different", different)
        .put("notReplayable", notReplayable)
        .put("results", results)
        .toMap();
  }

  private static ExecutorService newRunner() {
    return Executors.newSingleThreadExecutor(
        task -> {
          Thread thread = new Thread(task, "jlive-replay");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** What a replayed body threw, as its outcome. */
  private record Thrown(Throwable failure) {}

  private static Object invoke(Body body, Object self, Object[] args) {
    try {
      return body.run(self, args);
    } catch (Throwable t) {
      return new Thrown(t);
    }
  }
}
