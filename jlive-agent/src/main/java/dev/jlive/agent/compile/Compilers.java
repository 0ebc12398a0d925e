package dev.jlive.agent.compile;

import java.util.List;

/**
 * Picks the compiler: javac when the runtime has it, else Eclipse's. This class names no {@code
 * javax.tools} type, so it loads on a runtime image without the java.compiler module, where
 * touching {@link InTargetCompiler} would fail with NoClassDefFoundError.
 */
public final class Compilers {
  /** Set to true in the target JVM to use ECJ even where javac exists. */
  public static final String FORCE_ECJ = "jlive.compiler.ecj";

  private Compilers() {}

  public static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options, ClassFileView view) {
    if (!Boolean.getBoolean(FORCE_ECJ)
        && ModuleLayer.boot().findModule("jdk.compiler").isPresent()) {
      return InTargetCompiler.compile(sources, loader, options, view);
    }
    return EcjCompiler.compile(sources, loader, options, view);
  }

  public static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options) {
    return compile(sources, loader, options, ClassFileView.AS_IS);
  }
}
