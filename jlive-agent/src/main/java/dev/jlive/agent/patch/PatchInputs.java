package dev.jlive.agent.patch;

import dev.jlive.agent.compile.Compilation;
import dev.jlive.agent.compile.CompileOptions;
import dev.jlive.agent.compile.Compilers;
import dev.jlive.agent.compile.Problem;
import dev.jlive.agent.compile.SourceFile;
import dev.jlive.agent.inspect.ClassLoaders;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.weave.LoadedClasses;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.patch.PatchRequest;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Turns what a patch request brings (whole-class sources, one method's source, or class files) into
 * the new bytes of each loaded class it replaces, compiling inside the target where needed.
 */
final class PatchInputs {
  /** The new bytes per class, and which compiler made them (null for class files). */
  record Inputs(Map<Class<?>, byte[]> classes, String compiler) {}

  /**
   * Classes by name, the order the answer lists them in. Names are unique in a patch: its classes
   * share a class loader, or each is the only loaded class of its name.
   */
  static final Comparator<Class<?>> BY_NAME = Comparator.comparing(Class::getName);

  private final Instrumentation instrumentation;
  private final LoadedClasses loadedClasses;
  private final Function<Class<?>, byte[]> runningBase;
  private final System.Logger log;
  private final PatchClock clock;
  private String compiler;

  PatchInputs(
      Instrumentation instrumentation,
      LoadedClasses loadedClasses,
      Function<Class<?>, byte[]> runningBase,
      System.Logger log,
      PatchClock clock) {
    this.instrumentation = instrumentation;
    this.loadedClasses = loadedClasses;
    this.runningBase = runningBase;
    this.log = log;
    this.clock = clock;
  }

  Inputs read(PatchRequest request) {
    Map<Class<?>, byte[]> classes =
        request.isSingleMethod()
            ? singleMethod(request)
            : request.hasSources() ? compile(request) : fromClassFiles(request);
    return new Inputs(classes, compiler);
  }

  private Map<Class<?>, byte[]> compile(PatchRequest request) {
    List<SourceFile> sources = new ArrayList<>();
    Class<?> first = null;
    for (PatchRequest.Source source : request.sources()) {
      String className = source.className();
      Class<?> type = loaded(className, request.loader());
      first = first == null ? type : first;
      if (type.getClassLoader() != first.getClassLoader()) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the classes of one patch must share a class loader; "
                + className
                + " is in "
                + ClassLoaders.describe(type.getClassLoader())
                + ", "
                + first.getName()
                + " in "
                + ClassLoaders.describe(first.getClassLoader()),
            "patch them separately");
      }
      sources.add(new SourceFile(className, source.code()));
    }
    int release = ClassShape.majorVersion(runningBase.apply(first)) - 44;
    ClassLoader loader = first.getClassLoader();
    CompileOptions options =
        new CompileOptions(Math.min(release, Runtime.version().feature()), true, true);
    Compilation compilation =
        clock.time(PatchClock.Phase.COMPILED, () -> Compilers.compile(sources, loader, options));
    compiler = compilation.compiler();
    if (!compilation.succeeded()) {
      List<String> errors = new ArrayList<>();
      for (Problem problem : compilation.problems()) {
        if (problem.severity() == Problem.Severity.ERROR) {
          errors.add(problem.format());
        }
      }
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the patch does not compile: " + String.join(" | ", errors),
          "it is compiled against the classes the JVM runs, through "
              + ClassLoaders.describe(first.getClassLoader()));
    }
    Map<Class<?>, byte[]> result = new TreeMap<>(BY_NAME);
    for (Map.Entry<String, byte[]> output : compilation.classes().entrySet()) {
      Class<?> type = findLoaded(output.getKey(), first.getClassLoader());
      if (type != null) {
        result.put(type, output.getValue());
      } else {
        log.log(
            System.Logger.Level.INFO,
            "patch: {0} is not loaded; its compiled version is not used",
            output.getKey());
      }
    }
    return result;
  }

  /** One method's new source, spliced into the running class. */
  private Map<Class<?>, byte[]> singleMethod(PatchRequest request) {
    String className = request.method().substring(0, Math.max(0, request.method().indexOf('#')));
    Class<?> type = loaded(className, request.loader());
    byte[] base = runningBase.apply(type);
    int release = Math.min(ClassShape.majorVersion(base) - 44, Runtime.version().feature());
    return Map.of(
        type,
        clock.time(
            PatchClock.Phase.COMPILED,
            () ->
                MethodPatch.build(type, base, request.method(), request.methodSource(), release)));
  }

  /** A class file that cannot be read, with what to give instead. */
  static JLiveException notAClassFile(String which, RuntimeException cause) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        which + " is not a valid class file: " + cause,
        "give the .class files a compiler wrote (javac -d DIR), or a jar of them");
  }

  /**
   * Class files of a build's output: those of loaded classes count; the JVM has nothing to replace
   * for the rest.
   */
  private Map<Class<?>, byte[]> fromClassFiles(PatchRequest request) {
    Map<Class<?>, byte[]> result = new TreeMap<>(BY_NAME);
    List<String> notLoaded = new ArrayList<>();
    for (byte[] bytes : request.classFiles()) {
      String className;
      try {
        // The name from the header: the class is read whole once, when it is checked.
        className = new ClassReader(bytes).getClassName().replace('/', '.');
      } catch (RuntimeException e) {
        throw notAClassFile("one of the class files", e);
      }
      if (request.classFiles().size() > 1 && isNotLoaded(className)) {
        notLoaded.add(className);
        continue;
      }
      result.put(loaded(className, request.loader()), bytes);
    }
    if (result.isEmpty()) {
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "none of the " + notLoaded.size() + " classes is loaded",
          "a patch replaces loaded classes only");
    }
    return result;
  }

  private boolean isNotLoaded(String className) {
    return loadedClasses.named(className).isEmpty();
  }

  /** The one loaded class of that name; the loader picks one when several loaded it. */
  private Class<?> loaded(String className, String loaderId) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> type : loadedClasses.named(className)) {
      if (ClassSearch.isVisible(type)
          && (loaderId == null || ClassLoaders.id(type.getClassLoader()).equals(loaderId))) {
        found.add(type);
      }
    }
    if (found.isEmpty()) {
      List<String> similar = ClassSearch.similar(instrumentation, className);
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "class " + className + " is not loaded" + (loaderId == null ? "" : " by " + loaderId),
          similar.isEmpty()
              ? "a patch replaces loaded classes only"
              : "did you mean " + String.join(", ", similar) + "?");
    }
    if (found.size() > 1) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          className
              + " is loaded by "
              + found.size()
              + " class loaders: "
              + found.stream().map(type -> ClassLoaders.id(type.getClassLoader())).toList(),
          "pick one with --loader ID");
    }
    if (!instrumentation.isModifiableClass(found.get(0))) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the JVM does not allow changing " + className,
          "classes such as arrays and hidden classes cannot be patched; patch the code that uses them");
    }
    return found.get(0);
  }

  private Class<?> findLoaded(String className, ClassLoader loader) {
    for (Class<?> type : loadedClasses.named(className)) {
      if (type.getClassLoader() == loader) {
        return type;
      }
    }
    return null;
  }

  // ---- reverting and reading ----

}
