package dev.jlive.agent.compile;

/**
 * How to compile.
 *
 * @param release class-file feature version to emit, e.g. {@code 17}; {@code 0} means the running
 *     JVM's. A patch should emit the version of the class it replaces.
 * @param debugInfo emit all debug information ({@code -g}): local variable tables included; without
 *     it only source file and line numbers, which stack traces need
 * @param parameters record method parameter names ({@code -parameters})
 */
public record CompileOptions(int release, boolean debugInfo, boolean parameters) {
  /** The oldest class-file version this compiler emits; javac 25 dropped everything before 8. */
  static final int OLDEST_RELEASE = 8;

  public CompileOptions {
    int running = Runtime.version().feature();
    if (release != 0 && (release < OLDEST_RELEASE || release > running)) {
      throw new IllegalArgumentException(
          String.format(
              "release %d cannot be emitted here: use 0 (this JVM's %d) or a version from %d to %d",
              release, running, OLDEST_RELEASE, running));
    }
  }

  /** The running JVM's class-file version, with full debug information and parameter names. */
  public static CompileOptions defaults() {
    return new CompileOptions(0, true, true);
  }

  /** The feature version javac is asked to emit. */
  int effectiveRelease() {
    return release == 0 ? Runtime.version().feature() : release;
  }
}
