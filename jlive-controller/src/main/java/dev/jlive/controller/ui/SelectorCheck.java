package dev.jlive.controller.ui;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.ClassPattern;
import dev.jlive.protocol.probe.MethodSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe form's check as the user types {@code Class#method}: is the class loaded, which loaded
 * classes and methods complete what is typed, and the refusal the agent would give if the probe
 * were added now. It reads the agents' own listings ({@code jlive classes}, {@code jlive methods})
 * through {@link Listings} (one agent under {@code jlive ui}, the service's processes on the
 * controller) and parses the selector as the agent does, so the form and the agent cannot disagree
 * on syntax.
 */
public final class SelectorCheck {
  /** Completions shown under the field: enough to choose from, few enough to read. */
  public static final int MAX_CLASSES = 20;

  static final int MAX_METHODS = 50;

  /** Where the loaded classes are listed. */
  public interface Listings {
    /**
     * Up to {@code limit} loaded classes matching {@code pattern} (none asked when null), and the
     * methods of {@code className} when {@code withMethods}; null when nothing could answer, so the
     * check is of the syntax alone.
     *
     * @param className the class typed, exactly
     * @throws JLiveException an agent's refusal of the pattern
     */
    Listing list(String pattern, int limit, String className, boolean withMethods);
  }

  /**
   * What the listings found.
   *
   * @param methods the class's methods as the agent lists them ({@code name}, {@code descriptor},
   *     {@code signature})
   * @param methodsRefused why the methods could not be listed (the class is not loaded), or null
   * @param processes for a service, how many processes were asked, answered, and have the class
   *     loaded; null for one process
   */
  public record Listing(
      List<String> classes,
      List<Map<String, Object>> methods,
      JLiveException methodsRefused,
      Map<String, Object> processes) {}

  private final Listings listings;

  public SelectorCheck(Listings listings) {
    this.listings = listings;
  }

  /** {"text", "loaded", "classes", "methods", "refusal"[, "processes", "syntaxOnly"]}. */
  public Map<String, Object> check(String typed) {
    String text = typed == null ? "" : typed.trim();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("text", text);
    answer.put("loaded", null);
    answer.put("classes", List.of());
    answer.put("methods", List.of());
    answer.put("refusal", null);
    if (text.isEmpty()) {
      return answer;
    }
    int hash = text.indexOf('#');
    String className = hash < 0 ? text : text.substring(0, hash);
    try {
      String pattern = completionPattern(className);
      MethodSelector selector =
          hash < 0 ? null : MethodSelector.parse(text + (hash == text.length() - 1 ? "*" : ""));
      boolean withMethods = selector != null && selector.classes().isExact();
      Listing listing = listings.list(pattern, MAX_CLASSES, className, withMethods);
      if (listing == null) {
        answer.put("syntaxOnly", true);
        return answer;
      }
      if (listing.processes() != null) {
        answer.put("processes", listing.processes());
      }
      List<String> classes = listing.classes();
      answer.put("classes", classes);
      if (selector == null) {
        answer.put("loaded", classes.contains(className));
        if (classes.isEmpty()) {
          answer.put(
              "refusal",
              refusal(
                  ErrorCode.CLASS_NOT_FOUND.name(),
                  "no loaded class matches " + className,
                  "check the name (fully qualified, nested classes as Outer$Inner); a probe on a"
                      + " class not loaded yet needs --wait"));
        }
        return answer;
      }
      if (!withMethods) {
        answer.put("loaded", !classes.isEmpty());
        return answer;
      }
      if (listing.methodsRefused() != null) {
        JLiveException refused = listing.methodsRefused();
        if (refused.code() == ErrorCode.CLASS_NOT_FOUND) {
          answer.put("loaded", false);
        }
        answer.put("refusal", refusal(refused.code().name(), refused.getMessage(), refused.hint()));
        return answer;
      }
      answer.put("loaded", true);
      methods(answer, text, className, selector, listing.methods());
    } catch (JLiveException e) {
      answer.put("refusal", refusal(e.code().name(), e.getMessage(), e.hint()));
    }
    return answer;
  }

  /** The methods matching what is typed, or the refusal naming the methods there are. */
  private static void methods(
      Map<String, Object> answer,
      String text,
      String className,
      MethodSelector selector,
      List<Map<String, Object>> methods) {
    // A plain name being typed completes to the methods it starts; a pattern or a parameter
    // list must match as the agent would match it.
    String typedMethod = text.substring(text.indexOf('#') + 1);
    boolean prefix = typedMethod.matches("[\\w$<>]*");
    List<String> matching = new ArrayList<>();
    for (Map<String, Object> method : methods) {
      String name = String.valueOf(method.get("name"));
      String descriptor = String.valueOf(method.get("descriptor"));
      String signature = String.valueOf(method.get("signature"));
      boolean completes = prefix && name.startsWith(typedMethod);
      if ((completes || selector.matches(name, descriptor, () -> parameterTypes(signature)))
          && matching.size() < MAX_METHODS) {
        matching.add(signature);
      }
    }
    answer.put("methods", matching);
    if (matching.isEmpty()) {
      List<String> all = new ArrayList<>();
      methods.forEach(method -> all.add(String.valueOf(method.get("name"))));
      answer.put(
          "refusal",
          refusal(
              ErrorCode.CLASS_NOT_FOUND.name(),
              className + " has no method matching " + text,
              "its methods: " + String.join(", ", all.stream().distinct().toList())));
    }
  }

  /**
   * The class search that completes what is typed (in any package when it has no dot), or null when
   * it cannot be a class name's start.
   */
  private static String completionPattern(String typed) {
    if (typed.isEmpty() || !typed.matches("[\\w$.]+") || typed.contains("..")) {
      return null;
    }
    String pattern = typed.contains(".") ? typed + "*" : "..*" + typed + "*";
    ClassPattern.parse(pattern);
    return pattern;
  }

  /** The parameter types of a listed signature such as {@code price(int, java.lang.String)}. */
  private static List<String> parameterTypes(String signature) {
    int open = signature.indexOf('(');
    int close = signature.lastIndexOf(')');
    if (open < 0 || close <= open + 1) {
      return List.of();
    }
    return Arrays.stream(signature.substring(open + 1, close).split(","))
        .map(String::trim)
        .toList();
  }

  private static Map<String, Object> refusal(String code, String message, String hint) {
    Map<String, Object> refusal = new LinkedHashMap<>();
    refusal.put("code", code);
    refusal.put("message", message);
    refusal.put("hint", hint);
    return refusal;
  }

  /** The names of a {@code GET /v1/classes} answer, each once, in its order. */
  public static List<String> classNames(Map<String, Object> classesAnswer) {
    List<String> names = new ArrayList<>();
    if (classesAnswer.get("classes") instanceof List<?> classes) {
      for (Object type : classes) {
        if (type instanceof Map<?, ?> one && !names.contains(String.valueOf(one.get("name")))) {
          names.add(String.valueOf(one.get("name")));
        }
      }
    }
    return names;
  }

  /** The methods of a {@code GET /v1/methods} answer, over every loader's class of that name. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> methodList(Map<String, Object> methodsAnswer) {
    List<Map<String, Object>> methods = new ArrayList<>();
    if (methodsAnswer.get("classes") instanceof List<?> all) {
      for (Object type : all) {
        if (type instanceof Map<?, ?> one && one.get("methods") instanceof List<?> list) {
          list.forEach(method -> methods.add((Map<String, Object>) method));
        }
      }
    }
    return methods;
  }
}
