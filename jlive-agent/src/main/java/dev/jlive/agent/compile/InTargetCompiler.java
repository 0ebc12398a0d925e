package dev.jlive.agent.compile;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles Java source inside the target JVM so that every name resolves to the classes a given
 * class loader sees, plus the running JDK.
 *
 * <p>Why not a plain javac run: the classes a patch or probe must link against are the ones the
 * application loaded, and those live behind class loaders (a web app's, a Spring Boot jar's, a
 * child-first plugin loader), not on the process class path, which here would be jlive's own. So
 * javac gets a file manager ({@link LoaderFileManager}) that lists the class path through the
 * loader's roots and reads each class through the loader itself. The JDK comes from the running
 * runtime's own modules, as javac finds it normally.
 *
 * <p>Why {@code -source N -target N} and not {@code --release N}: {@code --release} compiles
 * against the symbol files ({@code ct.sym}) of the public API of release N, which a jlink'd or
 * trimmed runtime may lack and which hide the JDK-internal classes the running code may
 * legitimately reach. The running runtime's modules are exactly what the new code will link
 * against, so they are the right thing to compile against; the class-file version is all that must
 * match the class being replaced. javac warns that this is unusual ({@code [options]}); that
 * warning is switched off because it is the point.
 *
 * <p>Quiet by construction: diagnostics go to a listener and anything else javac writes to a
 * buffer, both returned as {@link Problem}s; nothing reaches the application's stdout or stderr,
 * and nothing is written to disk. Each call has its own javac context and class path, so calls may
 * run concurrently; what is shared is the {@link JarIndex} cache and the standard file manager over
 * the runtime's modules, which one compile at a time holds ({@link JdkFileManagers}).
 */
public final class InTargetCompiler {
  private InTargetCompiler() {}

  /**
   * Compiles {@code sources} together against what {@code loader} sees ({@code null} for the boot
   * loader: the JDK only). Compile errors come back as problems, never as exceptions.
   *
   * @throws CompilerUnavailableException when the runtime has no {@code jdk.compiler} module
   * @throws IllegalArgumentException when there are no sources, or two with the same class name
   */
  public static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options) {
    return compile(sources, loader, options, ClassFileView.AS_IS);
  }

  /**
   * As above, with some class files seen through {@code view}. Where the runtime has no javac (a
   * jlink'd image without {@code jdk.compiler}), Eclipse's compiler does the work; javac is
   * preferred when present, since only it builds lambdas the way the running javac-built classes
   * have them.
   */
  public static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options, ClassFileView view) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      return EcjCompiler.compile(sources, loader, options, view);
    }
    return compile(sources, loader, options, javac, view);
  }

  static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options, JavaCompiler javac) {
    return compile(sources, loader, options, javac, ClassFileView.AS_IS);
  }

  static Compilation compile(
      List<SourceFile> sources,
      ClassLoader loader,
      CompileOptions options,
      JavaCompiler javac,
      ClassFileView view) {
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(options, "options");
    if (javac == null) {
      throw new CompilerUnavailableException();
    }
    List<MemorySource> units = units(sources);
    Map<String, byte[]> classes = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    DiagnosticListener<JavaFileObject> listener = diagnostic -> problems.add(problem(diagnostic));
    StringWriter otherOutput = new StringWriter();
    String compiler = javac.name() + " " + Runtime.version();
    JdkFileManagers.Lease standard = JdkFileManagers.take(javac, listener);
    boolean reusable = false;
    try (LoaderFileManager files = new LoaderFileManager(standard.manager, loader, classes, view)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(otherOutput, files, listener, arguments(options), null, units);
      task.setLocale(Locale.ENGLISH);
      boolean succeeded = task.call();
      for (String skipped : files.skippedRoots()) {
        problems.add(new Problem(Problem.Severity.WARNING, null, -1, -1, skipped));
      }
      String other = otherOutput.toString().strip();
      if (!other.isEmpty()) {
        problems.add(new Problem(Problem.Severity.WARNING, null, -1, -1, other));
      }
      if (!succeeded && problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR)) {
        // javac failed without saying why (it should not); never report that as a success.
        problems.add(
            new Problem(
                Problem.Severity.ERROR, null, -1, -1, "javac failed without an error message"));
      }
      reusable = true;
      return new Compilation(succeeded ? classes : Map.of(), problems, compiler);
    } catch (IOException e) {
      // Only setting the standard file manager's locations can get here.
      throw new UncheckedIOException("the javac file manager failed", e);
    } finally {
      // A manager whose compile threw is in an unknown state: closed, not kept.
      if (reusable) {
        JdkFileManagers.giveBack(standard);
      } else {
        JdkFileManagers.closeQuietly(standard);
      }
    }
  }

  private static List<MemorySource> units(List<SourceFile> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("nothing to compile: no source files given");
    }
    Set<String> names = new HashSet<>();
    List<MemorySource> units = new ArrayList<>(sources.size());
    for (SourceFile source : sources) {
      if (!names.add(source.className())) {
        throw new IllegalArgumentException("two source files for " + source.className());
      }
      units.add(new MemorySource(source));
    }
    return units;
  }

  static List<String> arguments(CompileOptions options) {
    List<String> arguments = new ArrayList<>();
    String release = Integer.toString(options.effectiveRelease());
    arguments.addAll(List.of("-source", release, "-target", release));
    // -options silences "system modules path not set in conjunction with -source N" (see the
    // class comment); deprecation and unchecked turn javac's file-level notes into warnings
    // with a line and column.
    arguments.add("-Xlint:deprecation,unchecked,-options");
    // No annotation processors: finding them would search the process class path.
    arguments.add("-proc:none");
    // Line numbers are always kept, since stack traces of patched code need them.
    arguments.add(options.debugInfo() ? "-g" : "-g:source,lines");
    if (options.parameters()) {
      arguments.add("-parameters");
    }
    return arguments;
  }

  private static Problem problem(Diagnostic<? extends JavaFileObject> diagnostic) {
    Problem.Severity severity =
        diagnostic.getKind() == Diagnostic.Kind.ERROR
            ? Problem.Severity.ERROR
            : Problem.Severity.WARNING;
    String className =
        diagnostic.getSource() instanceof MemorySource
            ? ((MemorySource) diagnostic.getSource()).source().className()
            : null;
    return new Problem(
        severity,
        className,
        diagnostic.getLineNumber(),
        diagnostic.getColumnNumber(),
        diagnostic.getMessage(Locale.ENGLISH));
  }
}
