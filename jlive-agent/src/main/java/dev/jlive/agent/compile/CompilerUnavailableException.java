package dev.jlive.agent.compile;

/**
 * The running JVM has no Java compiler: it is a JRE or a jlink'd image without the {@code
 * jdk.compiler} module.
 */
public final class CompilerUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CompilerUnavailableException() {
    super(
        "this Java runtime ("
            + System.getProperty("java.home")
            + ", "
            + Runtime.version()
            + ") has no jdk.compiler module, so Java source cannot be compiled inside it; "
            + "run the service on a full JDK, add jdk.compiler to its jlink image (--add-modules jdk.compiler), "
            + "or send compiled class files instead of source");
  }
}
