package dev.jlive.agent.patch;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A patch as asked for: Java sources (whole classes) or class files, the loader to use when a
 * class was loaded more than once, and whether to only compile and compare.
 */
public record PatchRequest(List<Source> sources, List<byte[]> classFiles, String loader, boolean dryRun, boolean immediate,
    java.time.Duration timeout, String check, List<String> also, String checkClass, String method, String methodSource) {
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  /** A source file: its name ({@code Cart.java}) and text. */
  public record Source(String fileName, String code) {
    /** The class it declares: its package plus the file's name, as javac requires of a public class. */
    String className() {
      String simple = fileName.substring(fileName.lastIndexOf('/') + 1).replaceFirst("\\.java$", "");
      Matcher matcher = PACKAGE.matcher(code);
      return matcher.find() ? matcher.group(1) + "." + simple : simple;
    }
  }

  boolean hasSources() {
    return !sources.isEmpty();
  }

  boolean isSingleMethod() {
    return method != null;
  }

  @SuppressWarnings("unchecked")
  public static PatchRequest fromJson(Map<String, Object> body) {
    List<Source> sources = new ArrayList<>();
    if (body.get("sources") instanceof List<?> list) {
      for (Object item : list) {
        Map<String, Object> source = (Map<String, Object>) item;
        String name = String.valueOf(source.get("name"));
        if (!name.endsWith(".java")) {
          throw new JLiveException(ErrorCode.BAD_REQUEST, "source " + name + " is not a .java file", "give Java source files");
        }
        sources.add(new Source(name, String.valueOf(source.get("code"))));
      }
    }
    List<byte[]> classFiles = new ArrayList<>();
    if (body.get("classFiles") instanceof List<?> list) {
      for (Object item : list) {
        try {
          classFiles.add(Base64.getDecoder().decode(String.valueOf(item)));
        } catch (IllegalArgumentException e) {
          throw new JLiveException(ErrorCode.BAD_REQUEST, "a class file is not valid base64", "send class files base64-encoded");
        }
      }
    }
    String method = body.get("method") == null ? null : String.valueOf(body.get("method"));
    String methodSource = body.get("methodSource") == null ? null : String.valueOf(body.get("methodSource"));
    if ((method == null) != (methodSource == null)) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "a single-method patch needs both the method and its new source",
          "e.g. jlive patch PID 'com.acme.Cart#total()' --method-file total.java");
    }
    if (method != null && !(sources.isEmpty() && classFiles.isEmpty())) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "give a method with --method-file, or class sources, or class files: one of them",
          "split it into separate patches");
    }
    if (method == null && sources.isEmpty() == classFiles.isEmpty()) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "a patch needs Java sources or class files, not " + (sources.isEmpty()
          ? "neither" : "both"), "e.g. jlive patch PID Cart.java, or jlive patch PID --classes build/classes");
    }
    String loader = body.get("loader") == null ? null : String.valueOf(body.get("loader"));
    String safepoint = body.get("safepoint") == null ? "quiescent" : String.valueOf(body.get("safepoint"));
    if (!safepoint.equals("quiescent") && !safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + safepoint + "' is not a safe point", "use quiescent (the default) or immediate");
    }
    long timeoutMillis = body.get("timeoutMillis") instanceof Number number ? number.longValue() : 5_000;
    if (timeoutMillis < 1 || timeoutMillis > 600_000) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "the safe-point time-out must be from 1 ms to 10 min",
          "e.g. --timeout 10s");
    }
    String check = body.get("check") == null ? null : String.valueOf(body.get("check"));
    if (check != null && safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--check needs the quiescent safe point", "drop --safepoint immediate");
    }
    List<String> also = new ArrayList<>();
    if (body.get("also") instanceof List<?> list) {
      list.forEach(item -> also.add(String.valueOf(item)));
    }
    if (!also.isEmpty() && safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--also widens the quiescent safe point", "drop --safepoint immediate");
    }
    String checkClass = body.get("checkClass") == null ? null : String.valueOf(body.get("checkClass"));
    if (checkClass != null && (check != null || safepoint.equals("immediate"))) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--check-class goes with the quiescent safe point and without --check",
          "give one check");
    }
    return new PatchRequest(List.copyOf(sources), List.copyOf(classFiles), loader, Boolean.TRUE.equals(body.get("dryRun")),
        safepoint.equals("immediate"), java.time.Duration.ofMillis(timeoutMillis), check, List.copyOf(also), checkClass, method,
        methodSource);
  }
}
