package dev.jlive.cli.output;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person sits at this command: its input and output are a terminal. */
public final class Terminal {
  private Terminal() {}

  /**
   * True when standard input and output are a terminal. Up to Java 21 that is {@code
   * System.console() != null}; from Java 22 the console is never null (JLine-less fallback), and
   * only {@code Console.isTerminal()}, called reflectively as the CLI is built for Java 17, tells.
   */
  public static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException beforeJava22) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException unexpected) {
      return false;
    }
  }

  /** Prints whether this JVM sits at a terminal; the test runs it on other Java versions. */
  public static void main(String[] args) {
    System.out.println(isInteractive() ? "interactive" : "not interactive");
  }
}
