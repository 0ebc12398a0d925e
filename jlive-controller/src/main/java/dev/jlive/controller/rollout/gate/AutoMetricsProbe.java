package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The metrics probe a patch rollout puts on the methods the patch changes, on canary and control
 * alike, so that the default gates compare the same methods' calls, exceptions and latencies before
 * and after.
 *
 * <p>The controller does not compile, so it cannot diff old and new bytes; it names what the patch
 * declares. A one-method patch names its method. Whole-class sources and class files name their
 * classes and, where the classes declare a single method name between them, that method; otherwise
 * every method of those classes ({@code #*}): a redefinition may not add or remove methods, so the
 * methods a patch declares are the methods of its classes. A probe has one selector, so several
 * classes are named by the narrowest pattern that covers them (a shared name prefix in one package,
 * then the package, then the common parent package); classes with no package in common are not
 * covered by one pattern, and the first class is probed.
 */
public final class AutoMetricsProbe {
  /** The longest a probe may live: the rollout removes it when it ends, however long it bakes. */
  static final Duration LIFETIME = Duration.ofDays(30);

  private AutoMetricsProbe() {}

  /**
   * The wire-form spec of the automatic probe for a patch change: a metrics probe that times every
   * call (so that latency gates rest on all calls, not a sample), waits for its classes where they
   * are not loaded yet, and has no hit limit.
   *
   * @throws JLiveException {@code BAD_REQUEST} when the change is not a patch, or its classes
   *     cannot be named
   */
  public static ProbeSpec specFor(Change patch) {
    if (patch.kind() != ChangeKind.PATCH || patch.spec() == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "change "
              + patch.id()
              + " is not a patch with its spec; only patches get an automatic probe",
          "give a probe rollout its gates on named probes, e.g. --gate 'probe:c7.p99 <= 50ms'");
    }
    return ProbeSpec.builder(
            selectorFor(PatchRequest.fromJson(patch.spec(), "the patch spec")),
            ProbeSpec.Kind.METRICS)
        .timeOneIn(1)
        .timeToLive(LIFETIME)
        .waitForClass(true)
        .build();
  }

  /** The selector of the methods a patch request declares. */
  static String selectorFor(PatchRequest request) {
    if (request.isSingleMethod()) {
      return request.method();
    }
    List<SourceTypes.Type> types = new ArrayList<>();
    for (PatchRequest.Source source : request.sources()) {
      types.addAll(SourceTypes.of(source.code()));
    }
    for (byte[] classFile : request.classFiles()) {
      types.add(ClassFileNames.read(classFile));
    }
    if (types.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "no class declaration was found in the patch's sources",
          "send whole Java classes, or one method with --method-file");
    }
    Set<String> methods = new LinkedHashSet<>();
    List<String> classes = new ArrayList<>();
    for (SourceTypes.Type type : types) {
      classes.add(type.binaryName());
      methods.addAll(type.methods());
    }
    String classPattern = classPattern(classes);
    if (classPattern == null) {
      classes = List.of(classes.get(0));
      methods = new LinkedHashSet<>(types.get(0).methods());
      classPattern = classes.get(0);
    }
    String method =
        methods.size() == 1 && !methods.contains("<init>") ? methods.iterator().next() : "*";
    return classPattern + "#" + method;
  }

  /**
   * The narrowest class pattern covering every class, or null when they share no package. Nested
   * classes ({@code Outer$Inner}) share their outer class's name as a prefix.
   */
  static String classPattern(List<String> classes) {
    Set<String> distinct = new LinkedHashSet<>(classes);
    if (distinct.size() == 1) {
      return distinct.iterator().next();
    }
    List<String> packages = new ArrayList<>();
    List<String> simpleNames = new ArrayList<>();
    for (String name : distinct) {
      int dot = name.lastIndexOf('.');
      packages.add(dot < 0 ? "" : name.substring(0, dot));
      simpleNames.add(name.substring(dot + 1));
    }
    if (new LinkedHashSet<>(packages).size() == 1) {
      String prefix = commonPrefix(simpleNames);
      String packagePrefix = packages.get(0).isEmpty() ? "" : packages.get(0) + ".";
      if (packagePrefix.isEmpty() && prefix.isEmpty()) {
        return null;
      }
      return packagePrefix + prefix + "*";
    }
    String common = commonPrefix(packages);
    // Cut back to whole package segments.
    List<String> segments = new ArrayList<>();
    for (String segment : common.split("\\.", -1)) {
      segments.add(segment);
    }
    StringBuilder parent = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      String sofar = (parent.length() == 0 ? "" : parent + ".") + segments.get(i);
      boolean whole = true;
      for (String pkg : packages) {
        if (!(pkg.equals(sofar) || pkg.startsWith(sofar + "."))) {
          whole = false;
        }
      }
      if (!whole) {
        break;
      }
      parent = new StringBuilder(sofar);
    }
    return parent.length() == 0 ? null : parent + "..*";
  }

  private static String commonPrefix(List<String> names) {
    String prefix = names.get(0);
    for (String name : names) {
      int i = 0;
      while (i < prefix.length() && i < name.length() && prefix.charAt(i) == name.charAt(i)) {
        i++;
      }
      prefix = prefix.substring(0, i);
    }
    return prefix;
  }
}
