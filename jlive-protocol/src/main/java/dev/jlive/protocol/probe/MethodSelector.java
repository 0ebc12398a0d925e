package dev.jlive.protocol.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Names the methods a probe goes on: {@code CLASS#METHOD} with an optional parameter list.
 *
 * <ul>
 *   <li>{@code com.acme.Cart#add} — every method named {@code add} (an error if it is overloaded)
 *   <li>{@code com.acme.Cart#add(int,java.lang.String)} — one overload, by Java parameter types
 *       ({@code String} alone means {@code java.lang.String})
 *   <li>{@code com.acme.Cart#add(ILjava/lang/String;)V} — one overload, by JVM descriptor
 *   <li>{@code com.acme.*Service#handle*}, {@code com.acme..*#*} — wildcards, see {@link
 *       ClassPattern}
 *   <li>{@code com.acme.Cart#<init>} — constructors
 * </ul>
 *
 * <p>Parsed wherever a selector arrives (CLI, controller, agent), so a bad one is refused with the
 * same message before it is sent; matching against loaded methods stays in the agent, which passes
 * a method's name, descriptor and parameter types in plain strings.
 */
public final class MethodSelector {
  private final String text;
  private final ClassPattern classes;
  private final String methodPattern;
  private final Glob methodGlob;
  private final List<String> parameterTypes;
  private final String descriptor;

  private MethodSelector(
      String text,
      ClassPattern classes,
      String methodPattern,
      List<String> parameterTypes,
      String descriptor) {
    this.text = text;
    this.classes = classes;
    this.methodPattern = methodPattern;
    this.methodGlob = Glob.namePattern(methodPattern);
    this.parameterTypes = parameterTypes;
    this.descriptor = descriptor;
  }

  public static MethodSelector parse(String text) {
    String selector = text == null ? "" : text.trim();
    // Checked before any other parsing, so that a hostile selector costs no more than its length.
    ClassPattern.checkSize(selector, "selector");
    int hash = selector.indexOf('#');
    if (hash <= 0 || hash == selector.length() - 1) {
      throw invalid(text, "it needs CLASS#METHOD");
    }
    ClassPattern classes = ClassPattern.parse(selector.substring(0, hash));
    String method = selector.substring(hash + 1);
    int paren = method.indexOf('(');
    String name = paren < 0 ? method : method.substring(0, paren);
    if (!name.matches("[\\w$*]+|<init>")) {
      throw invalid(text, "'" + name + "' is not a method name or pattern");
    }
    if (paren < 0) {
      return new MethodSelector(selector, classes, name, null, null);
    }
    int close = method.indexOf(')', paren);
    if (close < 0) {
      throw invalid(text, "the parameter list is not closed");
    }
    String inside = method.substring(paren + 1, close);
    String after = method.substring(close + 1);
    if (!after.isEmpty()) {
      // A return type after the parentheses: a JVM descriptor such as (JI)J.
      return new MethodSelector(selector, classes, name, null, method.substring(paren));
    }
    List<String> types = new ArrayList<>();
    if (!inside.isBlank()) {
      for (String type : inside.split(",")) {
        String trimmed = type.trim();
        if (!trimmed.matches("[\\w$.]+(\\[])*")) {
          throw invalid(text, "'" + trimmed + "' is not a Java type");
        }
        types.add(trimmed);
      }
    }
    return new MethodSelector(selector, classes, name, types, null);
  }

  private static JLiveException invalid(String text, String why) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        "'" + text + "' is not a method selector: " + why,
        "write CLASS#METHOD, e.g. com.acme.Cart#add, com.acme.Cart#add(int,java.lang.String), "
            + "com.acme.Cart#add(ILjava/lang/String;)V or com.acme..*Service#handle*");
  }

  public ClassPattern classes() {
    return classes;
  }

  /** One method named without wildcards or parameters: finding overloads of it is ambiguous. */
  public boolean namesOneMethodLoosely() {
    return !methodPattern.contains("*") && parameterTypes == null && descriptor == null;
  }

  public boolean hasWildcards() {
    return methodPattern.contains("*") || !classes.isExact();
  }

  /**
   * Whether a method matches: {@code name} is {@code <init>} for a constructor (a type initializer
   * never matches: callers leave it out), {@code descriptor} its JVM descriptor, and {@code
   * parameterTypeNames} its parameter types as Java names ({@code java.lang.String}, {@code
   * int[]}), asked for only when the selector lists parameter types.
   */
  public boolean matches(
      String name, String descriptor, Supplier<List<String>> parameterTypeNames) {
    if (!methodGlob.matches(name)) {
      return false;
    }
    if (this.descriptor != null) {
      return descriptor.equals(this.descriptor);
    }
    if (parameterTypes != null) {
      List<String> actual = parameterTypeNames.get();
      if (actual.size() != parameterTypes.size()) {
        return false;
      }
      for (int i = 0; i < actual.size(); i++) {
        if (!sameType(actual.get(i), parameterTypes.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean sameType(String name, String written) {
    return name.equals(written)
        || name.equals("java.lang." + written)
        || name.replace('$', '.').equals(written);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MethodSelector selector && selector.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
