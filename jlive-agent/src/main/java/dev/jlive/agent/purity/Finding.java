package dev.jlive.agent.purity;

import java.util.List;
import java.util.Map;

/**
 * One thing found that a second run of a method would change or could not be proven not to change,
 * e.g. {@code writes field Cart.total at Pricing.java:42}.
 *
 * @param what the instruction's effect in words: {@code writes field Cart.total}, {@code takes the
 *     lock of Orders.lock}, {@code calls java.io.FileOutputStream.write (I/O)}
 * @param className the class whose code holds the instruction, e.g. {@code com.acme.Pricing}
 * @param method the method holding it, with its parameter types: {@code total(int)}
 * @param sourceFile the source file the class was compiled from; {@code "?"} when the class file
 *     does not say
 * @param line the source line; 0 when the class file has no line numbers
 * @param via the calls that lead from the checked method to this one, outermost first, each as
 *     {@code Pricing.audit(long) at Pricing.java:30}; empty when it is in the checked method itself
 */
public record Finding(
    String what, String className, String method, String sourceFile, int line, List<String> via) {
  public Finding {
    via = List.copyOf(via);
  }

  /** {@code "Pricing.java:42"}, or the class and method when the class file has no line numbers. */
  public String where() {
    return line > 0 ? sourceFile + ":" + line : simpleName(className) + "." + method;
  }

  /** The finding as one line: what, where, and through which calls. */
  public String describe() {
    return what
        + " at "
        + where()
        + (via.isEmpty() ? "" : " (reached through " + String.join(", then ", via) + ")");
  }

  public Map<String, Object> toJson() {
    return Map.of(
        "what", what,
        "class", className,
        "method", method,
        "sourceFile", sourceFile,
        "line", line,
        "via", via,
        "text", describe());
  }

  static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
