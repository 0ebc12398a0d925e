package dev.jlive.agent.compile;

import java.util.Objects;

/**
 * One compilation unit to compile in memory.
 *
 * @param className the binary name of the unit's top-level class, e.g. {@code com.acme.Cart}; it
 *     names the unit in problems and gives javac the file name it checks public classes against
 * @param code the Java source text
 */
public record SourceFile(String className, String code) {
  public SourceFile {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(code, "code");
    if (className.isBlank() || className.startsWith(".") || className.endsWith(".")) {
      throw new IllegalArgumentException(
          "className must be a binary name like com.acme.Cart, was '" + className + "'");
    }
  }

  /** The path javac and engineers know the unit by, e.g. {@code com/acme/Cart.java}. */
  public String path() {
    return className.replace('.', '/') + ".java";
  }
}
