package dev.jlive.protocol.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.probe.MethodSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A patch as asked for: Java sources (whole classes), one method's new source, or class files; the
 * loader to use when a class was loaded more than once; whether to only compile and compare; and
 * the safe point to swap at.
 *
 * <p>The one check of a patch request: the CLI builds one before sending, the controller reads one
 * before storing a change and fanning it out, the agent reads one before compiling. What needs the
 * running JVM (are the classes loaded, does the source compile) is checked by the agent.
 *
 * @param classFiles the class files' bytes (base64 on the wire)
 * @param immediate true for the {@code immediate} safe point, false for {@code quiescent}
 * @param timeout how long to wait for the quiescent safe point
 * @param check a Java boolean expression that must hold at the safe point, or null
 * @param also selectors of methods that widen the quiescence set
 * @param checkClass an application class implementing {@code SafepointCheck}, or null
 * @param method the selector of one method to replace, with {@code methodSource}; or null
 */
public record PatchRequest(
    List<Source> sources,
    List<byte[]> classFiles,
    String loader,
    boolean dryRun,
    boolean immediate,
    Duration timeout,
    String check,
    List<String> also,
    String checkClass,
    String method,
    String methodSource)
    implements JsonWritable {
  /** Every field of a patch request (the body of POST /v1/patches). */
  public static final Set<String> FIELDS =
      Set.of(
          "sources",
          "classFiles",
          "loader",
          "dryRun",
          "safepoint",
          "timeoutMillis",
          "check",
          "also",
          "checkClass",
          "method",
          "methodSource");

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final String WHAT = "the patch request";
  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  /** A source file: its name ({@code Cart.java}) and text. */
  public record Source(String fileName, String code) implements JsonWritable {
    /** Every field of one item of a patch's {@code sources}. */
    public static final Set<String> FIELDS = Set.of("name", "code");

    public Source {
      if (fileName == null || code == null) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "a patch source needs a name and code",
            "send {\"name\": \"Cart.java\", \"code\": \"...\"}");
      }
      if (!fileName.endsWith(".java")) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "source " + fileName + " is not a .java file",
            "give Java source files");
      }
    }

    static Source read(StrictObject source) {
      return new Source(
          source.requireString("name", "\"Cart.java\""),
          source.requireString("code", "\"package com.acme; public class Cart {...}\""));
    }

    /**
     * The class it declares: its package plus the file's name, as javac requires of a public class.
     */
    public String className() {
      String simple =
          fileName.substring(fileName.lastIndexOf('/') + 1).replaceFirst("\\.java$", "");
      Matcher matcher = PACKAGE.matcher(code);
      return matcher.find() ? matcher.group(1) + "." + simple : simple;
    }

    @Override
    public Map<String, Object> toJson() {
      return JsonObject.create().put("name", fileName).put("code", code).toMap();
    }
  }

  public PatchRequest {
    sources = List.copyOf(sources == null ? List.of() : sources);
    classFiles = List.copyOf(classFiles == null ? List.of() : classFiles);
    also = List.copyOf(also == null ? List.of() : also);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    if ((method == null) != (methodSource == null)) {
      throw bad(
          "a single-method patch needs both the method and its new source",
          "e.g. jlive patch PID 'com.acme.Cart#total()' --method-file total.java");
    }
    if (method != null && !(sources.isEmpty() && classFiles.isEmpty())) {
      throw bad(
          "give a method with --method-file, or class sources, or class files: one of them",
          "split it into separate patches");
    }
    if (method == null && sources.isEmpty() == classFiles.isEmpty()) {
      throw bad(
          "a patch needs Java sources or class files, not "
              + (sources.isEmpty() ? "neither" : "both"),
          "e.g. jlive patch PID Cart.java, or jlive patch PID --classes build/classes");
    }
    if (method != null) {
      MethodSelector.parse(method);
    }
    long timeoutMillis = timeout.toMillis();
    if (timeoutMillis < 1 || timeoutMillis > MAX_TIMEOUT.toMillis()) {
      throw bad(
          WHAT
              + ": 'timeoutMillis' must be from 1 to "
              + MAX_TIMEOUT.toMillis()
              + ", not "
              + timeoutMillis,
          "send a number in that range");
    }
    if (check != null && immediate) {
      throw bad("--check needs the quiescent safe point", "drop --safepoint immediate");
    }
    if (!also.isEmpty() && immediate) {
      throw bad("--also widens the quiescent safe point", "drop --safepoint immediate");
    }
    for (String selector : also) {
      MethodSelector.parse(selector);
    }
    if (checkClass != null && (check != null || immediate)) {
      throw bad(
          "--check-class goes with the quiescent safe point and without --check", "give one check");
    }
  }

  public boolean hasSources() {
    return !sources.isEmpty();
  }

  public boolean isSingleMethod() {
    return method != null;
  }

  /**
   * Reads a patch request from a user (an agent's POST /v1/patches body): strict types, no unknown
   * field.
   */
  public static PatchRequest fromJson(Object json) {
    return fromJson(json, WHAT);
  }

  /**
   * Reads a patch request named as the reader knows it: the controller reads a change's spec as
   * {@code "the patch spec"}.
   */
  public static PatchRequest fromJson(Object json, String what) {
    StrictObject body = StrictObject.of(json, what, FIELDS).rejectUnknown();
    List<Source> sources = new ArrayList<>();
    for (StrictObject source : body.optionalObjects("sources", Source.FIELDS)) {
      sources.add(Source.read(source));
    }
    List<byte[]> classFiles = new ArrayList<>();
    for (String item : body.optionalStrings("classFiles")) {
      try {
        classFiles.add(Base64.getDecoder().decode(item));
      } catch (IllegalArgumentException e) {
        throw bad("a class file is not valid base64", "send class files base64-encoded");
      }
    }
    boolean immediate =
        isImmediate(Objects.requireNonNullElse(body.optionalString("safepoint"), "quiescent"));
    long timeoutMillis =
        body.optionalLong("timeoutMillis", DEFAULT_TIMEOUT.toMillis(), 1, MAX_TIMEOUT.toMillis());
    return new PatchRequest(
        sources,
        classFiles,
        body.optionalString("loader"),
        body.optionalBoolean("dryRun", false),
        immediate,
        Duration.ofMillis(timeoutMillis),
        body.optionalString("check"),
        body.optionalStrings("also"),
        body.optionalString("checkClass"),
        body.optionalString("method"),
        body.optionalString("methodSource"));
  }

  /**
   * The request as sent: what was given, with the safe point and time-out only when not the
   * defaults.
   */
  @Override
  public Map<String, Object> toJson() {
    List<String> encoded = new ArrayList<>(classFiles.size());
    for (byte[] bytes : classFiles) {
      encoded.add(Base64.getEncoder().encodeToString(bytes));
    }
    return JsonObject.create()
        .put("method", method)
        .put("methodSource", methodSource)
        .putIf(!classFiles.isEmpty(), "classFiles", encoded)
        .putIf(!sources.isEmpty(), "sources", sources)
        .put("loader", loader)
        .put("dryRun", dryRun)
        .putIf(immediate, "safepoint", "immediate")
        .putIf(!timeout.equals(DEFAULT_TIMEOUT), "timeoutMillis", timeout.toMillis())
        .put("check", check)
        .put("checkClass", checkClass)
        .putIf(!also.isEmpty(), "also", also)
        .toMap();
  }

  /**
   * One method's new source: {@code selector} names it, as {@code jlive patch PID
   * 'com.acme.Cart#total()' --method-file}.
   */
  public static Builder ofMethod(String selector, String methodSource) {
    return new Builder(List.of(), List.of(), selector, methodSource);
  }

  public static Builder ofSources(List<Source> sources) {
    return new Builder(sources, List.of(), null, null);
  }

  public static Builder ofClassFiles(List<byte[]> classFiles) {
    return new Builder(List.of(), classFiles, null, null);
  }

  /**
   * Builds a {@link PatchRequest} in code (the CLI, the bench); {@link #build} checks it as a
   * received request is checked.
   */
  public static final class Builder {
    private final List<Source> sources;
    private final List<byte[]> classFiles;
    private final String method;
    private final String methodSource;
    private String loader;
    private boolean dryRun;
    private boolean immediate;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String check;
    private List<String> also = List.of();
    private String checkClass;

    private Builder(
        List<Source> sources, List<byte[]> classFiles, String method, String methodSource) {
      this.sources = sources;
      this.classFiles = classFiles;
      this.method = method;
      this.methodSource = methodSource;
    }

    public Builder loader(String loader) {
      this.loader = loader;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** The safe point by its wire name: {@code quiescent} (the default) or {@code immediate}. */
    public Builder safepoint(String safepoint) {
      this.immediate = isImmediate(safepoint);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder check(String check) {
      this.check = check;
      return this;
    }

    public Builder also(List<String> also) {
      this.also = also;
      return this;
    }

    public Builder checkClass(String checkClass) {
      this.checkClass = checkClass;
      return this;
    }

    public PatchRequest build() {
      return new PatchRequest(
          sources,
          classFiles,
          loader,
          dryRun,
          immediate,
          timeout,
          check,
          also,
          checkClass,
          method,
          methodSource);
    }
  }

  /** A safe point by its wire name: true for {@code immediate}, false for {@code quiescent}. */
  private static boolean isImmediate(String safepoint) {
    if (!safepoint.equals("quiescent") && !safepoint.equals("immediate")) {
      throw bad(
          "'" + shortened(safepoint) + "' is not a safe point",
          "use quiescent (the default) or immediate");
    }
    return safepoint.equals("immediate");
  }

  private static String shortened(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }
}
