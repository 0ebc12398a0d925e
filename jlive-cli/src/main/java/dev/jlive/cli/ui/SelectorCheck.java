package dev.jlive.cli.ui;

import dev.jlive.cli.CliException;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.protocol.Api;
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
 * were added now. It asks the agent's own listings ({@code jlive classes}, {@code jlive methods})
 * and parses the selector as the agent does, so the form and the agent cannot disagree on syntax.
 */
final class SelectorCheck {
  /** Completions shown under the field: enough to choose from, few enough to read. */
  static final int MAX_CLASSES = 20;

  static final int MAX_METHODS = 50;

  private final AgentClient agent;

  SelectorCheck(AgentClient agent) {
    this.agent = agent;
  }

  /** {"loaded", "classes", "methods", "refusal"} for what is typed so far. */
  Map<String, Object> check(String typed) {
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
      List<String> classes = completeClass(className);
      answer.put("classes", classes);
      if (hash < 0) {
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
      MethodSelector selector = MethodSelector.parse(text + (hash == text.length() - 1 ? "*" : ""));
      if (!selector.classes().isExact()) {
        answer.put("loaded", !completeClass(className).isEmpty());
        return answer;
      }
      List<Map<String, Object>> methods = methodsOf(className);
      answer.put("loaded", true);
      // A plain name being typed completes to the methods it starts; a pattern or a parameter
      // list must match as the agent would match it.
      String typedMethod = text.substring(hash + 1);
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
    } catch (JLiveException e) {
      answer.put("refusal", refusal(e.code().name(), e.getMessage(), e.hint()));
    } catch (CliException e) {
      if (ErrorCode.CLASS_NOT_FOUND.name().equals(e.code())) {
        answer.put("loaded", false);
      }
      answer.put("refusal", refusal(e.code(), e.getMessage(), e.hint()));
    }
    return answer;
  }

  /** Loaded classes whose names start with what is typed (in any package when it has no dot). */
  @SuppressWarnings("unchecked")
  private List<String> completeClass(String typed) {
    if (typed.isEmpty() || !typed.matches("[\\w$.]+") || typed.contains("..")) {
      return List.of();
    }
    String pattern = typed.contains(".") ? typed + "*" : "..*" + typed + "*";
    ClassPattern.parse(pattern);
    Map<String, Object> answer =
        agent.get(Api.CLASSES, Map.of("pattern", pattern, "limit", Integer.toString(MAX_CLASSES)));
    List<String> names = new ArrayList<>();
    if (answer.get("classes") instanceof List<?> classes) {
      for (Object type : classes) {
        String name = String.valueOf(((Map<String, Object>) type).get("name"));
        if (!names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> methodsOf(String className) {
    List<Map<String, Object>> methods = new ArrayList<>();
    if (agent.get(Api.METHODS, Map.of("class", className)).get("classes") instanceof List<?> all) {
      for (Object type : all) {
        if (((Map<String, Object>) type).get("methods") instanceof List<?> list) {
          list.forEach(method -> methods.add((Map<String, Object>) method));
        }
      }
    }
    return methods;
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
}
