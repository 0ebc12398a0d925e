package dev.jlive.protocol.shadow;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a shadow run has seen ({@code jlive shadow ID}): the calls compared, how many were equal,
 * the differences expected ({@code --expect}) and not, with examples, the noisy paths left out of
 * the verdict, the candidate's exceptions, and its latency beside the original's.
 *
 * @param state running, expired, dropped or promoted
 * @param sampled calls picked by the sample
 * @param compared sampled calls whose candidate ran and was compared
 * @param equal compared calls with no difference outside the noisy paths
 * @param dropped sampled calls not run because the shadow's queue was full (the budget)
 * @param noiseRuns compared calls on which the old body also ran a second time
 * @param failures runs that jlive itself could not make (not the candidate's exceptions)
 */
public record ShadowReport(
    String id,
    String state,
    String endedWhy,
    String author,
    List<String> methods,
    int sampleEvery,
    String expect,
    boolean learnNoise,
    Instant startedAt,
    Instant expiresAt,
    long sampled,
    long compared,
    long equal,
    long expectedDifferences,
    long unexpectedDifferences,
    long dropped,
    long noiseRuns,
    List<String> noisyPaths,
    long candidateExceptions,
    List<String> exceptionExamples,
    long failures,
    String lastFailure,
    double originalMeanMicros,
    double candidateMeanMicros,
    double originalMaxMicros,
    double candidateMaxMicros,
    List<Example> examples)
    implements JsonWritable {

  /**
   * One kind of difference: the first call that showed it, and how many calls did.
   *
   * @param paths where the outcomes differ ({@code $} the value, {@code $.total} a field)
   * @param process the fleet process the example came from, in a report merged over a service; null
   *     in one process's own report
   */
  public record Example(
      String method,
      String arguments,
      String original,
      String candidate,
      List<String> paths,
      boolean expected,
      long calls,
      String process)
      implements JsonWritable {
    static final Set<String> FIELDS =
        Set.of(
            "method",
            "arguments",
            "original",
            "candidate",
            "paths",
            "expected",
            "calls",
            "process");

    public Example {
      paths = paths == null ? List.of() : List.copyOf(paths);
    }

    /** An example of one process's own report. */
    public Example(
        String method,
        String arguments,
        String original,
        String candidate,
        List<String> paths,
        boolean expected,
        long calls) {
      this(method, arguments, original, candidate, paths, expected, calls, null);
    }

    static Example read(StrictObject body) {
      return new Example(
          body.optionalString("method"),
          body.optionalString("arguments"),
          body.optionalString("original"),
          body.optionalString("candidate"),
          body.optionalStrings("paths"),
          body.optionalBoolean("expected", false),
          body.optionalLong("calls", 0, 0, Long.MAX_VALUE),
          body.optionalString("process"));
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
          .put("process", process)
          .put("method", method)
          .put("arguments", arguments)
          .put("original", original)
          .put("candidate", candidate)
          .put("paths", paths)
          .put("expected", expected)
          .put("calls", calls)
          .toMap();
    }
  }

  /** Examples and exception examples a merged report keeps. */
  static final int MERGED_EXAMPLES = 10;

  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "state",
          "endedWhy",
          "author",
          "methods",
          "sampleEvery",
          "expect",
          "learnNoise",
          "startedAt",
          "expiresAt",
          "sampled",
          "compared",
          "equal",
          "expectedDifferences",
          "unexpectedDifferences",
          "dropped",
          "noiseRuns",
          "noisyPaths",
          "candidateExceptions",
          "exceptionExamples",
          "failures",
          "lastFailure",
          "originalMeanMicros",
          "candidateMeanMicros",
          "originalMaxMicros",
          "candidateMaxMicros",
          "examples");

  public ShadowReport {
    methods = methods == null ? List.of() : List.copyOf(methods);
    noisyPaths = noisyPaths == null ? List.of() : List.copyOf(noisyPaths);
    exceptionExamples = exceptionExamples == null ? List.of() : List.copyOf(exceptionExamples);
    examples = examples == null ? List.of() : List.copyOf(examples);
  }

  /**
   * Reads an agent's report as its sync passes it on: unknown fields (a newer agent's) are ignored
   * and logged once.
   */
  public static ShadowReport fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the shadow report", FIELDS);
    return new ShadowReport(
        body.optionalString("id"),
        body.optionalString("state"),
        body.optionalString("endedWhy"),
        body.optionalString("author"),
        body.optionalStrings("methods"),
        (int) body.optionalLong("sampleEvery", 1, 1, Integer.MAX_VALUE),
        body.optionalString("expect"),
        body.optionalBoolean("learnNoise", true),
        instant(body.optionalString("startedAt")),
        instant(body.optionalString("expiresAt")),
        count(body, "sampled"),
        count(body, "compared"),
        count(body, "equal"),
        count(body, "expectedDifferences"),
        count(body, "unexpectedDifferences"),
        count(body, "dropped"),
        count(body, "noiseRuns"),
        body.optionalStrings("noisyPaths"),
        count(body, "candidateExceptions"),
        body.optionalStrings("exceptionExamples"),
        count(body, "failures"),
        body.optionalString("lastFailure"),
        micros(body, "originalMeanMicros"),
        micros(body, "candidateMeanMicros"),
        micros(body, "originalMaxMicros"),
        micros(body, "candidateMaxMicros"),
        body.optionalObjects("examples", Example.FIELDS).stream().map(Example::read).toList());
  }

  private static long count(StrictObject body, String name) {
    return body.optionalLong(name, 0, 0, Long.MAX_VALUE);
  }

  private static double micros(StrictObject body, String name) {
    return body.optionalDouble(name, 0, 0, Double.MAX_VALUE);
  }

  private static Instant instant(String text) {
    return text == null ? Instant.EPOCH : Instant.parse(text);
  }

  /**
   * One report for a service: counts added up, mean latencies weighted by each process's compared
   * calls, the largest maximum, the union of noisy paths, and the examples of the same kind of
   * difference (method, paths, expected or not) counted together, each kept with the process it
   * came from first.
   *
   * @param id the fleet change id the merged report is shown under
   * @param byProcess each process's own report, by process id
   * @return null when no process reported
   */
  public static ShadowReport merge(String id, Map<String, ShadowReport> byProcess) {
    if (byProcess.isEmpty()) {
      return null;
    }
    ShadowReport first = byProcess.values().iterator().next();
    long sampled = 0;
    long compared = 0;
    long equal = 0;
    long expected = 0;
    long unexpected = 0;
    long dropped = 0;
    long noiseRuns = 0;
    long thrown = 0;
    long failures = 0;
    double originalTotalMicros = 0;
    double candidateTotalMicros = 0;
    double originalMax = 0;
    double candidateMax = 0;
    String state = first.state;
    String endedWhy = first.endedWhy;
    String lastFailure = null;
    Instant startedAt = first.startedAt;
    Instant expiresAt = first.expiresAt;
    Set<String> noisy = new TreeSet<>();
    List<String> exceptionLines = new ArrayList<>();
    Map<String, Example> examples = new LinkedHashMap<>();
    for (Map.Entry<String, ShadowReport> entry : byProcess.entrySet()) {
      String process = entry.getKey();
      ShadowReport report = entry.getValue();
      sampled += report.sampled;
      compared += report.compared;
      equal += report.equal;
      expected += report.expectedDifferences;
      unexpected += report.unexpectedDifferences;
      dropped += report.dropped;
      noiseRuns += report.noiseRuns;
      thrown += report.candidateExceptions;
      failures += report.failures;
      originalTotalMicros += report.originalMeanMicros * report.compared;
      candidateTotalMicros += report.candidateMeanMicros * report.compared;
      originalMax = Math.max(originalMax, report.originalMaxMicros);
      candidateMax = Math.max(candidateMax, report.candidateMaxMicros);
      if ("running".equals(report.state)) {
        // Running anywhere is running: the merged figures still move.
        state = report.state;
        endedWhy = null;
      }
      lastFailure = report.lastFailure == null ? lastFailure : report.lastFailure;
      startedAt = startedAt.isBefore(report.startedAt) ? startedAt : report.startedAt;
      expiresAt = expiresAt.isAfter(report.expiresAt) ? expiresAt : report.expiresAt;
      noisy.addAll(report.noisyPaths);
      for (String line : report.exceptionExamples) {
        if (exceptionLines.size() < MERGED_EXAMPLES) {
          exceptionLines.add(process + ": " + line);
        }
      }
      for (Example example : report.examples) {
        examples.merge(
            example.method() + "|" + example.paths() + "|" + example.expected(),
            new Example(
                example.method(),
                example.arguments(),
                example.original(),
                example.candidate(),
                example.paths(),
                example.expected(),
                example.calls(),
                process),
            (kept, more) ->
                new Example(
                    kept.method(),
                    kept.arguments(),
                    kept.original(),
                    kept.candidate(),
                    kept.paths(),
                    kept.expected(),
                    kept.calls() + more.calls(),
                    kept.process()));
      }
    }
    List<Example> sorted = new ArrayList<>(examples.values());
    sorted.sort(
        Comparator.comparing(Example::expected)
            .thenComparing(Comparator.comparingLong(Example::calls).reversed()));
    return new ShadowReport(
        id,
        state,
        endedWhy,
        first.author,
        first.methods,
        first.sampleEvery,
        first.expect,
        first.learnNoise,
        startedAt,
        expiresAt,
        sampled,
        compared,
        equal,
        expected,
        unexpected,
        dropped,
        noiseRuns,
        List.copyOf(noisy),
        thrown,
        exceptionLines,
        failures,
        lastFailure,
        compared == 0 ? 0 : originalTotalMicros / compared,
        compared == 0 ? 0 : candidateTotalMicros / compared,
        originalMax,
        candidateMax,
        sorted.subList(0, Math.min(MERGED_EXAMPLES, sorted.size())));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .put("state", state)
        .put("endedWhy", endedWhy)
        .put("author", author)
        .put("methods", methods)
        .put("sampleEvery", sampleEvery)
        .put("expect", expect)
        .put("learnNoise", learnNoise)
        .put("startedAt", startedAt.toString())
        .put("expiresAt", expiresAt.toString())
        .put("sampled", sampled)
        .put("compared", compared)
        .put("equal", equal)
        .put("expectedDifferences", expectedDifferences)
        .put("unexpectedDifferences", unexpectedDifferences)
        .put("dropped", dropped)
        .put("noiseRuns", noiseRuns)
        .put("noisyPaths", noisyPaths)
        .put("candidateExceptions", candidateExceptions)
        .put("exceptionExamples", exceptionExamples)
        .put("failures", failures)
        .put("lastFailure", lastFailure)
        .put("originalMeanMicros", originalMeanMicros)
        .put("candidateMeanMicros", candidateMeanMicros)
        .put("originalMaxMicros", originalMaxMicros)
        .put("candidateMaxMicros", candidateMaxMicros)
        .put("examples", examples)
        .toMap();
  }
}
