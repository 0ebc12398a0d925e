package dev.jlive.agent.compile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jdt.core.compiler.CategorizedProblem;
import org.eclipse.jdt.core.compiler.CharOperation;
import org.eclipse.jdt.internal.compiler.ClassFile;
import org.eclipse.jdt.internal.compiler.CompilationResult;
import org.eclipse.jdt.internal.compiler.Compiler;
import org.eclipse.jdt.internal.compiler.DefaultErrorHandlingPolicies;
import org.eclipse.jdt.internal.compiler.batch.CompilationUnit;
import org.eclipse.jdt.internal.compiler.classfmt.ClassFileReader;
import org.eclipse.jdt.internal.compiler.env.ICompilationUnit;
import org.eclipse.jdt.internal.compiler.env.INameEnvironment;
import org.eclipse.jdt.internal.compiler.env.NameEnvironmentAnswer;
import org.eclipse.jdt.internal.compiler.impl.CompilerOptions;
import org.eclipse.jdt.internal.compiler.problem.DefaultProblemFactory;

/**
 * Compiles with Eclipse's compiler where the runtime has no javac (a jlink'd image without {@code
 * jdk.compiler}). Types resolve as with javac: the JDK's from the running runtime's {@code jrt:/}
 * file system, the application's through its class loader.
 *
 * <p>DESIGN.md's caveat holds: ECJ names lambda methods differently from javac, so an ECJ build of
 * a javac-built class with lambdas cannot be redefined (the diff refuses it, naming the methods).
 */
final class EcjCompiler {
  static final String NAME = "ecj";

  private EcjCompiler() {}

  static Compilation compile(
      List<SourceFile> sources, ClassLoader loader, CompileOptions options, ClassFileView view) {
    String version =
        Integer.toString(options.release() == 0 ? Runtime.version().feature() : options.release());
    Map<String, String> settings = new HashMap<>();
    settings.put(CompilerOptions.OPTION_Compliance, version);
    settings.put(CompilerOptions.OPTION_Source, version);
    settings.put(CompilerOptions.OPTION_TargetPlatform, version);
    String debug = options.debugInfo() ? CompilerOptions.GENERATE : CompilerOptions.DO_NOT_GENERATE;
    settings.put(CompilerOptions.OPTION_LocalVariableAttribute, debug);
    settings.put(CompilerOptions.OPTION_LineNumberAttribute, CompilerOptions.GENERATE);
    settings.put(CompilerOptions.OPTION_SourceFileAttribute, CompilerOptions.GENERATE);
    settings.put(
        CompilerOptions.OPTION_MethodParametersAttribute,
        options.parameters() ? CompilerOptions.GENERATE : CompilerOptions.DO_NOT_GENERATE);
    Map<String, byte[]> classes = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    Map<String, String> texts = new HashMap<>();
    List<ICompilationUnit> units = new ArrayList<>();
    for (SourceFile source : sources) {
      String fileName = source.className().replace('.', '/') + ".java";
      texts.put(fileName, source.code());
      units.add(new CompilationUnit(source.code().toCharArray(), fileName, "UTF-8"));
    }
    Compiler compiler =
        new Compiler(
            new Environment(loader, view),
            DefaultErrorHandlingPolicies.proceedWithAllProblems(),
            new CompilerOptions(settings),
            (CompilationResult result) -> {
              for (CategorizedProblem problem :
                  result.getAllProblems() == null
                      ? new CategorizedProblem[0]
                      : result.getAllProblems()) {
                String file = new String(problem.getOriginatingFileName());
                problems.add(
                    new Problem(
                        problem.isError() ? Problem.Severity.ERROR : Problem.Severity.WARNING,
                        file.replace('/', '.').replaceFirst("\\.java$", ""),
                        problem.getSourceLineNumber(),
                        column(texts.get(file), problem.getSourceStart()),
                        problem.getMessage()));
              }
              for (ClassFile classFile : result.getClassFiles()) {
                classes.put(
                    CharOperation.toString(classFile.getCompoundName()), classFile.getBytes());
              }
            },
            new DefaultProblemFactory(Locale.ENGLISH));
    compiler.compile(units.toArray(new ICompilationUnit[0]));
    boolean failed =
        problems.stream().anyMatch(problem -> problem.severity() == Problem.Severity.ERROR);
    return new Compilation(failed ? Map.of() : classes, problems, NAME);
  }

  private static long column(String text, int offset) {
    if (text == null || offset < 0) {
      return -1;
    }
    int lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
    return offset - lineStart + 1;
  }

  /** Where ECJ finds types and packages: the runtime image, then the class loader. */
  private static final class Environment implements INameEnvironment {
    private static final Map<String, List<String>> MODULES_OF_PACKAGE = new ConcurrentHashMap<>();
    private final ClassLoader loader;
    private final ClassFileView view;
    private final LoaderClassPath classPath;
    private final FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));

    Environment(ClassLoader loader, ClassFileView view) {
      this.loader = loader;
      this.view = view;
      this.classPath = loader == null ? null : LoaderClassPath.of(loader);
    }

    @Override
    public NameEnvironmentAnswer findType(char[][] compoundTypeName) {
      return find(CharOperation.toString(compoundTypeName));
    }

    @Override
    public NameEnvironmentAnswer findType(char[] typeName, char[][] packageName) {
      String pkg = CharOperation.toString(packageName);
      return find(pkg.isEmpty() ? new String(typeName) : pkg + "." + new String(typeName));
    }

    private NameEnvironmentAnswer find(String binaryName) {
      byte[] bytes = fromRuntime(binaryName);
      if (bytes == null) {
        bytes = fromLoader(binaryName);
      }
      if (bytes == null) {
        return null;
      }
      try {
        return new NameEnvironmentAnswer(
            new ClassFileReader(bytes, (binaryName.replace('.', '/') + ".class").toCharArray()),
            null);
      } catch (Exception e) {
        return null;
      }
    }

    private byte[] fromRuntime(String binaryName) {
      int dot = binaryName.lastIndexOf('.');
      String pkg = dot < 0 ? "" : binaryName.substring(0, dot);
      for (String module : modules(pkg)) {
        Path file = jrt.getPath("/modules", module, binaryName.replace('.', '/') + ".class");
        if (Files.isRegularFile(file)) {
          try {
            return Files.readAllBytes(file);
          } catch (IOException e) {
            return null;
          }
        }
      }
      return null;
    }

    private byte[] fromLoader(String binaryName) {
      if (loader == null) {
        return null;
      }
      try (InputStream in = loader.getResourceAsStream(binaryName.replace('.', '/') + ".class")) {
        if (in == null) {
          return null;
        }
        byte[] bytes = in.readAllBytes();
        return view.changes(binaryName) ? view.apply(binaryName, bytes) : bytes;
      } catch (IOException e) {
        return null;
      }
    }

    private List<String> modules(String pkg) {
      return MODULES_OF_PACKAGE.computeIfAbsent(
          pkg,
          name -> {
            List<String> modules = new ArrayList<>();
            Path dir = jrt.getPath("/packages", name);
            if (Files.isDirectory(dir)) {
              try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                entries.forEach(entry -> modules.add(entry.getFileName().toString()));
              } catch (IOException e) {
                // No module holds it.
              }
            }
            return modules;
          });
    }

    @Override
    public boolean isPackage(char[][] parentPackageName, char[] packageName) {
      String parent = CharOperation.toString(parentPackageName);
      String pkg =
          parent.isEmpty() ? new String(packageName) : parent + "." + new String(packageName);
      if (Character.isUpperCase(packageName[0]) && find(pkg) != null) {
        return false;
      }
      if (!modules(pkg).isEmpty() || Files.isDirectory(jrt.getPath("/packages", pkg))) {
        return true;
      }
      // A package of the runtime image's parents ("java", "javax") has no entry of its own.
      try (DirectoryStream<Path> packages =
          Files.newDirectoryStream(jrt.getPath("/packages"), pkg + ".*")) {
        if (packages.iterator().hasNext()) {
          return true;
        }
      } catch (IOException e) {
        // fall through to the class loader
      }
      return classPath != null && !classPath.classFiles(pkg, true).isEmpty();
    }

    @Override
    public void cleanup() {
      // Nothing is held between compiles but the shared package index.
    }
  }
}
