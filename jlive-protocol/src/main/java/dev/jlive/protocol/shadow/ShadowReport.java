package dev.jlive.protocol.shadow;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
   */
  public record Example(
      String method,
      String arguments,
      String original,
      String candidate,
      List<String> paths,
      boolean expected,
      long calls)
      implements JsonWritable {
    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create()
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
