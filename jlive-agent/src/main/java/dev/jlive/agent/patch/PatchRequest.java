package dev.jlive.agent.patch;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.StrictObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A patch as asked for: Java sources (whole classes) or class files, the loader to use when a
 * class was loaded more than once, and whether to only compile and compare.
 */
public record PatchRequest(List<Source> sources, List<byte[]> classFiles, String loader, boolean dryRun, boolean immediate,
    Duration timeout, String check, List<String> also, String checkClass, String method, String methodSource) {
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

  /** Reads a patch request from the endpoint's JSON body, with strict types and no unknown field. */
  public static PatchRequest fromJson(Map<String, Object> json) {
    StrictObject body = new StrictObject(json, "the patch request", Api.PATCH_FIELDS).rejectUnknown();
    List<Source> sources = new ArrayList<>();
    for (StrictObject source : body.optionalObjects("sources", Api.PATCH_SOURCE_FIELDS)) {
      String name = source.requireString("name", "\"Cart.java\"");
      if (!name.endsWith(".java")) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "source " + name + " is not a .java file", "give Java source files");
      }
      sources.add(new Source(name, source.requireString("code", "\"package com.acme; public class Cart {...}\"")));
    }
    List<byte[]> classFiles = new ArrayList<>();
    for (String item : body.optionalStrings("classFiles")) {
      try {
        classFiles.add(Base64.getDecoder().decode(item));
      } catch (IllegalArgumentException e) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "a class file is not valid base64", "send class files base64-encoded");
      }
    }
    String method = body.optionalString("method");
    String methodSource = body.optionalString("methodSource");
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
    String loader = body.optionalString("loader");
    String safepoint = Objects.requireNonNullElse(body.optionalString("safepoint"), "quiescent");
    if (!safepoint.equals("quiescent") && !safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + safepoint + "' is not a safe point", "use quiescent (the default) or immediate");
    }
    // From 1 ms to 10 min.
    long timeoutMillis = body.optionalLong("timeoutMillis", 5_000, 1, 600_000);
    String check = body.optionalString("check");
    if (check != null && safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--check needs the quiescent safe point", "drop --safepoint immediate");
    }
    List<String> also = body.optionalStrings("also");
    if (!also.isEmpty() && safepoint.equals("immediate")) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--also widens the quiescent safe point", "drop --safepoint immediate");
    }
    String checkClass = body.optionalString("checkClass");
    if (checkClass != null && (check != null || safepoint.equals("immediate"))) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "--check-class goes with the quiescent safe point and without --check",
          "give one check");
    }
    return new PatchRequest(List.copyOf(sources), List.copyOf(classFiles), loader, body.optionalBoolean("dryRun", false),
        safepoint.equals("immediate"), Duration.ofMillis(timeoutMillis), check, List.copyOf(also), checkClass, method,
        methodSource);
  }
}
