package dev.jlive.agent.weave;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loaded classes of a name, found without a scan of every loaded class. That scan ({@code
 * getAllLoadedClasses} and each class's name) took 2 to 8 ms in the demo with jlive's own classes
 * loaded, the biggest step left of a JVM's first patch of a class (docs/BENCHMARKS.md, section 63).
 *
 * <p>Each class loader known to define classes is asked for its class of that name ({@code
 * ClassLoader.findLoadedClass}: a look in the JVM's dictionary of that loader; it loads nothing and
 * runs none of the loader's code). The loaders are known from one scan of the loaded classes (their
 * loaders, not their names) at the first lookup, and from the pipeline's transformer, which is told
 * of every class definition before the class exists ({@link #defining}): a loader whose first class
 * comes later is known before that class is. Nothing is kept per name, so each answer is as fresh
 * as a scan: a class of the same name that a second web app loads later is seen by the next lookup,
 * and a class still being defined is not listed until it is.
 *
 * <p>The boot loader has no object to ask. Its classes are found through the loaders that asked for
 * them ({@code findLoadedClass} answers the classes a loader initiated too), and a name that no
 * known loader answers for is looked for with a scan, which finds every class. So the one class
 * this misses is a boot loader's class that no other loader asked for, of a name that another
 * loader also defined: two different classes of one name, one of them on the boot class path.
 *
 * <p>Loaders are held weakly: no class loader is kept alive. If {@code findLoadedClass} cannot be
 * reached (a JVM that does not let the agent open {@code java.lang}), every lookup scans.
 */
public final class LoadedClasses {
  /**
   * Test-only: {@code false} ignores the definitions the transformer is told of, so only the
   * loaders of the first scan are asked: the negative control that must miss a class of a loader
   * made later.
   */
  static final String TRACK_PROPERTY = "jlive.loadedClasses.track";

  private final Instrumentation instrumentation;
  private final boolean track = !"false".equals(System.getProperty(TRACK_PROPERTY));

  /**
   * The known loaders by identity hash, weakly; the boot loader is not among them. Guarded by this.
   */
  private final Map<Integer, List<WeakReference<ClassLoader>>> loaders = new HashMap<>();

  /** Whether the first scan made {@link #loaders} complete. Guarded by this. */
  private boolean scanned;

  /** Known loaders added since the cleared ones were last dropped. Guarded by this. */
  private int addedSinceExpunge;

  /**
   * The loader of the latest definition the transformer was told of: definitions come in runs from
   * one loader, and the run's later ones then cost a read and a compare, without the lock.
   */
  private volatile WeakReference<ClassLoader> lastDefiner = new WeakReference<>(null);

  /**
   * Guards the two fields below; not this, whose lock the class-loading path takes: reaching {@code
   * findLoadedClass} loads classes.
   */
  private final Object findLoadedClassLock = new Object();

  /** {@code ClassLoader.findLoadedClass}, once reached; null until then or if it cannot be. */
  private MethodHandle findLoadedClass;

  private boolean findLoadedClassTried;

  LoadedClasses(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** The pipeline's transformer calls this for every class definition, before the class exists. */
  void defining(ClassLoader loader, String internalName) {
    if (!track || loader == null || lastDefiner.get() == loader) {
      return;
    }
    synchronized (this) {
      add(loader);
    }
    lastDefiner = new WeakReference<>(loader);
  }

  /**
   * Every loaded class of that binary name (the agent's own included, hidden classes never: their
   * names are not binary names).
   */
  public List<Class<?>> named(String className) {
    MethodHandle find = findLoadedClass();
    List<Class<?>> found = new ArrayList<>();
    if (find != null) {
      for (ClassLoader loader : knownLoaders()) {
        Class<?> type = findLoadedClass(find, loader, className);
        if (type != null && !containsSame(found, type)) {
          found.add(type);
        }
      }
      if (!found.isEmpty()) {
        return found;
      }
    }
    for (Class<?> type : scan()) {
      if (type.getName().equals(className)) {
        found.add(type);
      }
    }
    return found;
  }

  private static Class<?> findLoadedClass(MethodHandle find, ClassLoader loader, String name) {
    try {
      return (Class<?>) find.invokeExact(loader, name);
    } catch (Throwable e) {
      // findLoadedClass throws nothing for a name; an Error here is the JVM's, and a scan still
      // answers.
      return null;
    }
  }

  /** Every loaded class; the loaders of their classes become known. */
  private Class<?>[] scan() {
    Class<?>[] all = instrumentation.getAllLoadedClasses();
    synchronized (this) {
      addLoadersOf(all);
    }
    return all;
  }

  /** The known loaders, after the first scan if none was made yet. */
  private synchronized List<ClassLoader> knownLoaders() {
    if (!scanned) {
      addLoadersOf(instrumentation.getAllLoadedClasses());
    }
    List<ClassLoader> known = new ArrayList<>();
    for (List<WeakReference<ClassLoader>> sameHash : loaders.values()) {
      for (WeakReference<ClassLoader> reference : sameHash) {
        ClassLoader loader = reference.get();
        if (loader != null) {
          known.add(loader);
        }
      }
    }
    return known;
  }

  private void addLoadersOf(Class<?>[] classes) {
    ClassLoader previous = null;
    for (Class<?> type : classes) {
      ClassLoader loader = type.getClassLoader();
      if (loader != null && loader != previous) {
        add(loader);
        previous = loader;
      }
    }
    scanned = true;
  }

  /** Adds the loader if it is not known; by identity, since a loader may override equals. */
  private void add(ClassLoader loader) {
    // Loops, not lambdas: this runs on the class-loading path under the lock, and a lambda's
    // first call defines a class.
    Integer hash = System.identityHashCode(loader);
    List<WeakReference<ClassLoader>> sameHash = loaders.get(hash);
    if (sameHash == null) {
      sameHash = new ArrayList<>(1);
      loaders.put(hash, sameHash);
    }
    for (WeakReference<ClassLoader> reference : sameHash) {
      if (reference.get() == loader) {
        return;
      }
    }
    sameHash.add(new WeakReference<>(loader));
    if (++addedSinceExpunge >= 256) {
      expunge();
    }
  }

  /** Drops the loaders that were collected. */
  private void expunge() {
    addedSinceExpunge = 0;
    for (Iterator<List<WeakReference<ClassLoader>>> lists = loaders.values().iterator();
        lists.hasNext(); ) {
      List<WeakReference<ClassLoader>> sameHash = lists.next();
      for (Iterator<WeakReference<ClassLoader>> references = sameHash.iterator();
          references.hasNext(); ) {
        if (references.next().get() == null) {
          references.remove();
        }
      }
      if (sameHash.isEmpty()) {
        lists.remove();
      }
    }
  }

  private static boolean containsSame(List<Class<?>> classes, Class<?> type) {
    for (Class<?> listed : classes) {
      if (listed == type) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code ClassLoader.findLoadedClass}, protected in {@code java.base}: the agent opens {@code
   * java.lang} to its own module for it, once.
   */
  private MethodHandle findLoadedClass() {
    synchronized (findLoadedClassLock) {
      if (findLoadedClassTried) {
        return findLoadedClass;
      }
      findLoadedClassTried = true;
      try {
        instrumentation.redefineModule(
            Object.class.getModule(),
            Set.of(),
            Map.of(),
            Map.of("java.lang", Set.of(LoadedClasses.class.getModule())),
            Set.of(),
            Map.of());
        Method method = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        method.setAccessible(true);
        findLoadedClass = MethodHandles.lookup().unreflect(method);
      } catch (ReflectiveOperationException | RuntimeException e) {
        findLoadedClass = null;
      }
      return findLoadedClass;
    }
  }
}
