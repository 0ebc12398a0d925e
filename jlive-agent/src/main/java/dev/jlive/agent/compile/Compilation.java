package dev.jlive.agent.compile;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a compile produced.
 *
 * @param classes class files by binary name, sorted, nested and anonymous classes included ({@code
 *     com.acme.Cart$1}); empty when there is an error
 * @param problems errors and warnings in the order javac reported them
 * @param compiler which compiler ran, e.g. {@code javac 21.0.4+7}, since the compiler decides
 *     details the JVM cares about when a class is redefined (names of lambda methods)
 */
public record Compilation(Map<String, byte[]> classes, List<Problem> problems, String compiler) {
  public Compilation {
    // Sorted by binary name: an outer class comes before its nested ones, the same way every time.
    classes = Collections.unmodifiableMap(new TreeMap<>(classes));
    problems = List.copyOf(problems);
    Objects.requireNonNull(compiler, "compiler");
  }

  public boolean succeeded() {
    return problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR);
  }

  /** The errors, one {@link Problem#format()} per line; empty when the compile succeeded. */
  public String errorReport() {
    StringBuilder report = new StringBuilder();
    for (Problem problem : problems) {
      if (problem.severity() == Problem.Severity.ERROR) {
        report.append(problem.format()).append(System.lineSeparator());
      }
    }
    return report.toString();
  }
}
