package dev.jlive.agent.weave;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * The one transformer through which jlive changes classes.
 *
 * <p>A class's running bytes are a function of its base bytes plus the weavings that apply now
 * ({@link WeavingSource}). Every change retransforms just the classes it affects, and this
 * transformer produces their bytes from scratch each time: the JVM hands a retransform-capable
 * transformer the class's base bytes, not the previously transformed ones. So removing the last
 * weaving of a class restores its original bytes: exactly ({@code null}), or with its handlers of
 * {@code Throwable} catching any exception, the same code ({@link CatchAnyThrowable} says why).
 *
 * <p>Why one transformer and no Byte Buddy {@code AgentBuilder}: several transformers, or a {@code
 * reset} beside a redefinition, lose track of which bytes are current (see DESIGN.md); matching all
 * loaded classes for each change also costs up to seconds where one class costs milliseconds.
 *
 * <p>The transformer never throws: a failure is recorded per class, the class keeps its bytes, and
 * the change that asked learns why from {@link #retransform}.
 */
public final class ClassPipeline implements ClassFileTransformer {
  private final Instrumentation instrumentation;
  private final System.Logger log;
  private final List<WeavingSource> sources = new CopyOnWriteArrayList<>();
  private final Map<String, Throwable> failures = new ConcurrentHashMap<>();

  /** The classes jlive ever gave other bytes, by {@link #key}: one short string per class. */
  private final Set<String> changed = ConcurrentHashMap.newKeySet();

  /** By {@link #key}: the patch bytes another agent's redefinition was last warned about. */
  private final Map<String, byte[]> otherAgentWarned = new ConcurrentHashMap<>();

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** Classes that Byte Buddy loads while weaving come back through here: they are left alone. */
  private final ThreadLocal<Boolean> weaving = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** Where each retransformation's bytes are written, when the property asks for it. */
  private final ClassDump dump = ClassDump.fromProperty(ClassDump.PROPERTY);

  /** The loaded classes by name, kept between lookups; this transformer keeps it current. */
  private final LoadedClasses loadedClasses;

  public ClassPipeline(Instrumentation instrumentation, System.Logger log) {
    this.instrumentation = instrumentation;
    this.log = log;
    this.loadedClasses = new LoadedClasses(instrumentation);
  }

  /** Finds loaded classes by name without a scan of every loaded class each time. */
  public LoadedClasses loadedClasses() {
    return loadedClasses;
  }

  /**
   * Byte Buddy, made when the first class is woven rather than at start: making it loads about 270
   * classes, most of the agent's start on a busy JVM, and the endpoint needs none of them to answer
   * (docs/BENCHMARKS.md, attach).
   */
  static final class Weaver {
    // The settings of Byte Buddy's "disableClassFormatChanges": a retransformation may change
    // method bodies only, never add a member.
    static final ByteBuddy BYTE_BUDDY =
        new ByteBuddy(ClassFileVersion.ofThisVm(ClassFileVersion.JAVA_V17))
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(InstrumentedType.Factory.Default.FROZEN)
            .with(VisibilityBridgeStrategy.Default.NEVER)
            // Every weaving is an ASM visitor over the class's own methods, so the inherited ones
            // do not matter; the default compiler resolved the whole type hierarchy through the
            // class loader at each weaving, about half of the weaving's time (BENCHMARKS.md, 40).
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
            // Byte Buddy leaves synthetic methods out by default; lambda bodies (lambda$main$0) are
            // synthetic, and a probe or patch on one must reach it.
            .ignore(ElementMatchers.none());

    private Weaver() {}
  }

  public void start() {
    instrumentation.addTransformer(this, true);
  }

  public void stop() {
    instrumentation.removeTransformer(this);
  }

  public void addSource(WeavingSource source) {
    sources.add(source);
  }

  public void removeSource(WeavingSource source) {
    sources.remove(source);
  }

  /**
   * Rebuilds the running bytes of the classes, reporting failures per class, so that one does not
   * hide the others. Returns the failures by class; classes not named there now run the bytes the
   * sources want.
   */
  public Map<Class<?>, String> retransform(List<Class<?>> classes) {
    // In the order asked: a refusal lists the classes that failed as the user named them.
    Map<Class<?>, String> failed = new LinkedHashMap<>();
    if (classes.size() > 1 && retransformedInOneCall(classes, failed)) {
      return failed;
    }
    for (Class<?> type : classes) {
      String key = key(type.getClassLoader(), type.getName());
      failures.remove(key);
      try {
        OwnRetransforms.retransform(instrumentation, type);
        Throwable failure = failures.remove(key);
        if (failure != null) {
          failed.put(type, describe(failure));
        }
      } catch (UnmodifiableClassException e) {
        failed.put(type, "the JVM does not allow changing " + type.getName());
      } catch (Throwable e) {
        // VerifyError, ClassFormatError, InternalError: the JVM rejected the bytes and kept the old
        // ones.
        failed.put(type, "the JVM rejected the new bytes: " + e);
      }
    }
    return failed;
  }

  /**
   * Each retransformation stops the JVM at a safepoint, so many classes go in one call (a 50-class
   * wildcard took 650 ms class by class). A class whose weaving fails keeps its bytes without
   * failing the call; only when the JVM rejects the batch does it go class by class, to say which
   * class it was.
   */
  private boolean retransformedInOneCall(List<Class<?>> classes, Map<Class<?>, String> failed) {
    for (Class<?> type : classes) {
      failures.remove(key(type.getClassLoader(), type.getName()));
    }
    try {
      OwnRetransforms.retransform(instrumentation, classes.toArray(new Class<?>[0]));
    } catch (Throwable rejected) {
      return false;
    }
    for (Class<?> type : classes) {
      Throwable failure = failures.remove(key(type.getClassLoader(), type.getName()));
      if (failure != null) {
        failed.put(type, describe(failure));
      }
    }
    return true;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (classBeingRedefined == null && loader != ClassPipeline.class.getClassLoader()) {
      // Before every early return: the index must hear of each definition (LoadedClasses).
      loadedClasses.defining(loader, internalName);
    }
    if (internalName == null
        || sources.isEmpty()
        || loader == ClassPipeline.class.getClassLoader()
        || weaving.get()) {
      return null;
    }
    // JDK classes that load while a probe waits are left alone: the weaving code itself needs
    // JDK classes, and asking for the one being loaded ends in a ClassCircularityError.
    if (classBeingRedefined == null && (loader == null || loader == PLATFORM)) {
      return null;
    }
    weaving.set(Boolean.TRUE);
    try {
      byte[] bytes = weave(loader, internalName, classBeingRedefined, classfileBuffer);
      if (dump != null && classBeingRedefined != null) {
        dump.write(internalName, classfileBuffer, bytes);
      }
      return bytes;
    } finally {
      weaving.remove();
    }
  }

  private byte[] weave(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      byte[] classfileBuffer) {
    String className = internalName.replace('/', '.');
    try {
      if (classBeingRedefined == null
          && sources.stream().noneMatch(source -> source.mayWeave(loader, className))) {
        return null;
      }
      byte[] replacement = classBeingRedefined == null ? null : baseBytes(loader, className);
      if (replacement != null && !OwnRetransforms.active()) {
        warnOfOtherAgent(loader, className, replacement);
      }
      byte[] woven =
          woven(
              loader,
              className,
              classBeingRedefined,
              replacement != null ? replacement : classfileBuffer);
      if (woven != null || replacement != null) {
        changed.add(key(loader, className));
        return woven != null ? woven : replacement;
      }
      // A class jlive changed goes back to its own bytes, with its Throwable handlers catching any
      // exception as in its woven versions: its own try-with-resources would grow the constant pool
      // at every restore as woven code did (see CatchAnyThrowable). Other classes are left as they
      // are.
      if (classBeingRedefined != null && changed.contains(key(loader, className))) {
        byte[] restored = CatchAnyThrowable.rewrite(classfileBuffer);
        return restored == classfileBuffer ? null : restored;
      }
      return null;
    } catch (Throwable t) {
      failures.put(key(loader, className), t);
      log.log(System.Logger.Level.WARNING, "could not weave " + className, t);
      return null;
    }
  }

  /**
   * Another agent redefined or retransformed a class while a jlive patch is active. The class keeps
   * the patch's code either way: giving way to a redefinition would leave the patch listed as
   * active with its code gone, and a retransformation by another tool still gets the patch's bytes
   * to work on after this transformer. But a hot swap from a debugger or IDE then has no effect,
   * which its user must learn from somewhere: once per class and patch, in the agent's log.
   */
  private void warnOfOtherAgent(ClassLoader loader, String className, byte[] patchBytes) {
    if (otherAgentWarned.put(key(loader, className), patchBytes) == patchBytes) {
      return;
    }
    log.log(
        System.Logger.Level.WARNING,
        "another agent redefined or retransformed "
            + className
            + " while a jlive patch of it is active; the class keeps the patch's code, and a hot"
            + " swap (a debugger's or IDE's redefinition) of it has no effect: revert the patch"
            + " (jlive changes PID, jlive revert PID ID) and redo the hot swap");
  }

  private byte[] baseBytes(ClassLoader loader, String className) {
    for (WeavingSource source : sources) {
      byte[] bytes = source.baseBytes(loader, className);
      if (bytes != null) {
        return bytes;
      }
    }
    return null;
  }

  /**
   * The bytes the class would run with {@code base} as its base bytes and today's weavings, made
   * without touching the class: a patch checks them before it asks the JVM for anything, so that a
   * weaving failure cannot leave half of a patch applied.
   */
  public byte[] preview(Class<?> type, byte[] base) {
    byte[] woven = woven(type.getClassLoader(), type.getName(), type, base);
    return woven != null ? woven : base;
  }

  /**
   * {@code base} with every source's weavings on top, or null when no source weaves into the class.
   */
  private byte[] woven(ClassLoader loader, String className, Class<?> loaded, byte[] base) {
    ClassFileLocator locator = locator(loader, className, base);
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    Lazy<TypeDescription> description = new Lazy<>(() -> pool.describe(className).resolve());
    List<AsmVisitorWrapper> weavings = new ArrayList<>();
    for (WeavingSource source : sources) {
      for (Weaving weaving : source.weavingsFor(loader, className, loaded, description)) {
        weavings.add(weaving.visitor());
      }
    }
    if (weavings.isEmpty()) {
      return null;
    }
    return weave(description.get(), locator, pool, weavings);
  }

  private static byte[] weave(
      TypeDescription description,
      ClassFileLocator locator,
      TypePool pool,
      List<? extends AsmVisitorWrapper> visitors) {
    // A decoration, not a redefinition: every weaving is an ASM visitor over the class's own
    // methods, so Byte Buddy need not rebuild each method through its method registry. The class
    // is the same, its InnerClasses entries in javac's order rather than rebuilt
    // (ClassPipelineDecorationTest); weaving one method takes a fifth of the time (BENCHMARKS.md,
    // section 55).
    DynamicType.Builder<?> builder = Weaver.BYTE_BUDDY.decorate(description, locator);
    for (AsmVisitorWrapper visitor : visitors) {
      builder = builder.visit(visitor);
    }
    return CatchAnyThrowable.rewrite(builder.make(pool).getBytes());
  }

  /** {@code base} as the class's bytes, its loader for every other type the weaving looks up. */
  private static ClassFileLocator locator(ClassLoader loader, String className, byte[] base) {
    return new ClassFileLocator.Compound(
        ClassFileLocator.Simple.of(className, base),
        loader == null
            ? ClassFileLocator.ForClassLoader.ofBootLoader()
            : ClassFileLocator.ForClassLoader.of(loader));
  }

  /**
   * {@code base}, as bytes of {@code type}, with {@code visitor} woven in the way a
   * retransformation weaves it (the same Byte Buddy settings, type pool and {@link
   * CatchAnyThrowable} pass), made off to the side: the class is not touched. For warming the
   * weaving up before it is needed.
   */
  public byte[] weaveAside(Class<?> type, byte[] base, AsmVisitorWrapper visitor) {
    ClassFileLocator locator = locator(type.getClassLoader(), type.getName(), base);
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    return weave(pool.describe(type.getName()).resolve(), locator, pool, List.of(visitor));
  }

  /**
   * Retransforms several classes in one call, so the JVM swaps them together or not at all.
   *
   * @throws IllegalStateException naming the first class whose bytes could not be produced
   */
  public void retransformTogether(List<Class<?>> classes) throws UnmodifiableClassException {
    for (Class<?> type : classes) {
      failures.remove(key(type.getClassLoader(), type.getName()));
    }
    OwnRetransforms.retransform(instrumentation, classes.toArray(new Class<?>[0]));
    for (Class<?> type : classes) {
      Throwable failure = failures.remove(key(type.getClassLoader(), type.getName()));
      if (failure != null) {
        throw new IllegalStateException(
            "could not produce the bytes of " + type.getName() + ": " + describe(failure), failure);
      }
    }
  }

  private static String key(ClassLoader loader, String className) {
    return System.identityHashCode(loader) + "/" + className;
  }

  private static String describe(Throwable failure) {
    return failure.getMessage() == null
        ? failure.toString()
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /** A value computed at most once, on first use. */
  static final class Lazy<T> implements Supplier<T> {
    private Supplier<T> supplier;
    private T value;

    Lazy(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    @Override
    public synchronized T get() {
      if (supplier != null) {
        value = supplier.get();
        supplier = null;
      }
      return value;
    }
  }
}
