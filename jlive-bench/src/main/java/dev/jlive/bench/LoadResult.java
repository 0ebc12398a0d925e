package dev.jlive.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary of one run of the demo's load driver, read from its {@code load done} line: {@code
 * load done elapsed=<s> requests=<n> rps=<x> errors=<n> p50_ms=<x> p99_ms=<x> rejected=<n>}.
 */
record LoadResult(
    double elapsedSeconds,
    long requests,
    double rps,
    long errors,
    long rejected,
    double p50Millis,
    double p99Millis) {
  static final String DONE = "load done ";

  static LoadResult parse(String line) {
    if (!line.startsWith(DONE)) {
      throw new IllegalArgumentException("not a 'load done' line: " + line);
    }
    Map<String, String> fields = new HashMap<>();
    for (String field : line.substring(DONE.length()).trim().split("\\s+")) {
      int eq = field.indexOf('=');
      if (eq > 0) {
        fields.put(field.substring(0, eq), field.substring(eq + 1));
      }
    }
    try {
      return new LoadResult(
          Double.parseDouble(fields.get("elapsed")),
          Long.parseLong(fields.get("requests")),
          Double.parseDouble(fields.get("rps")),
          Long.parseLong(fields.get("errors")),
          Long.parseLong(fields.get("rejected")),
          Double.parseDouble(fields.get("p50_ms")),
          Double.parseDouble(fields.get("p99_ms")));
    } catch (NullPointerException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "the load driver's summary line changed format: " + line, e);
    }
  }

  /** The last {@code load done} line of a run's output. */
  static LoadResult of(List<String> output) {
    for (int i = output.size() - 1; i >= 0; i--) {
      if (output.get(i).startsWith(DONE)) {
        return parse(output.get(i));
      }
    }
    throw new IllegalArgumentException(
        "the load driver printed no 'load done' line; its output: " + output);
  }
}
