package dev.jlive.agent.weave;

import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The loaded classes of a name, without asking the JVM for every loaded class at each patch: that
 * scan ({@code getAllLoadedClasses}) was about 3 ms of a class-file patch's 18 ms of CPU on the
 * patching thread in the demo (docs/BENCHMARKS.md, section 43).
 *
 * <p>A name's answer comes from one scan and is kept when it found a class. The JVM tells the
 * pipeline's transformer of every class definition before the class exists ({@link #defining}); a
 * definition of a kept name is noted as pending, and while a name has a pending definition every
 * lookup scans again, until a scan shows that loader's class. A definition whose hook came before
 * the name's answer was made, and that was still under way during its scan (the hook came, the
 * class was not listed yet), is caught by a ring of the latest definitions' names: an answer whose
 * name is in the ring is scanned again at each lookup until the name has left the ring. An answer
 * that found no class is not kept at all, so a class that was not loaded yet is always looked for
 * afresh. A definition that failed stays pending, and that name keeps being scanned for: slower,
 * never wrong. Classes are held weakly: an unloaded class drops out of the answer, and no class
 * loader is kept alive.
 */
public final class LoadedClasses {
  /**
   * Test-only: {@code false} keeps every answer, empty ones too, and ignores definitions after a
   * name's scan: the negative control that must miss a class loaded later.
   */
  static final String TRACK_PROPERTY = "jlive.loadedClasses.track";

  /** Names kept at most; past that all are forgotten (a patch looks up a handful). */
  static final int MAX_NAMES = 256;

  /** The latest definitions' names kept (a power of two). */
  static final int RECENT = 1024;

  /** Stands for the boot loader in the pending list. */
  private static final Object BOOT = new Object();

  private final Instrumentation instrumentation;
  private final boolean track = !"false".equals(System.getProperty(TRACK_PROPERTY));

  /** By internal name (slashes), as the transformer is told it. Guarded by this. */
  private final Map<String, Answer> byName = new HashMap<>();

  /**
   * The latest {@link #RECENT} definitions, written on the class-loading path without the lock.
   * Volatile writes and reads: a hook that found no answer wrote here before an answer was made, so
   * the scan that makes it sees the definition.
   */
  private final AtomicReferenceArray<Definition> recent = new AtomicReferenceArray<>(RECENT);

  private final AtomicInteger nextRecent = new AtomicInteger();

  /** Read without the lock on the class-loading path: the common case is nothing kept. */
  private volatile boolean empty = true;

  private static final class Answer {
    List<WeakReference<Class<?>>> classes = List.of();

    /** Defining loaders (weakly; {@link #BOOT} for the boot loader) not seen in a scan yet. */
    final List<WeakReference<Object>> pending = new ArrayList<>();
  }

  /**
   * A definition the transformer was told of; the loader weakly, {@link #BOOT} for the boot one.
   */
  private record Definition(String internalName, WeakReference<Object> loader) {}

  LoadedClasses(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** Drops the answer kept for that binary name, if any: a later lookup scans afresh. */
  public synchronized void forget(String className) {
    byName.remove(className.replace('.', '/'));
    empty = byName.isEmpty();
  }

  /** How many names have an answer kept; for tests. */
  synchronized int keptNames() {
    return byName.size();
  }

  /** The pipeline's transformer calls this for every class definition, before the class exists. */
  void defining(ClassLoader loader, String internalName) {
    if (!track || internalName == null) {
      return;
    }
    // Before the look at the answers: see the field's comment.
    Object definingLoader = loader == null ? BOOT : loader;
    recent.set(
        nextRecent.getAndIncrement() & (RECENT - 1),
        new Definition(internalName, new WeakReference<>(definingLoader)));
    if (empty) {
      return;
    }
    synchronized (this) {
      Answer answer = byName.get(internalName);
      if (answer != null) {
        answer.pending.add(new WeakReference<>(definingLoader));
      }
    }
  }

  /** Every loaded class of that binary name, hidden and agent classes included, as a scan finds. */
  public synchronized List<Class<?>> named(String className) {
    String key = className.replace('.', '/');
    Answer answer = byName.get(key);
    if (answer != null && answer.pending.isEmpty()) {
      List<Class<?>> found = new ArrayList<>();
      for (WeakReference<Class<?>> type : answer.classes) {
        Class<?> live = type.get();
        if (live != null) {
          found.add(live);
        }
      }
      return found;
    }
    if (answer == null) {
      if (byName.size() >= MAX_NAMES) {
        byName.clear();
      }
      // Kept before the scan: a definition during the scan is noted as pending.
      answer = new Answer();
      byName.put(key, answer);
      empty = false;
    }
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getName().equals(className)) {
        found.add(type);
      }
    }
    List<WeakReference<Class<?>>> classes = new ArrayList<>();
    for (Class<?> type : found) {
      classes.add(new WeakReference<>(type));
    }
    answer.classes = classes;
    if (track && found.isEmpty()) {
      byName.remove(key);
      return found;
    }
    if (track) {
      addRecentDefinitionsNotFound(key, found, answer.pending);
    }
    // A loop, not removeIf with a lambda: nothing under this lock may define a class.
    for (Iterator<WeakReference<Object>> pending = answer.pending.iterator(); pending.hasNext(); ) {
      Object loader = pending.next().get();
      if (loader == null || definedBy(found, loader)) {
        pending.remove();
      }
    }
    return found;
  }

  /** The ring's definitions of that name whose class the scan did not find, as pending. */
  private void addRecentDefinitionsNotFound(
      String internalName, List<Class<?>> found, List<WeakReference<Object>> pending) {
    for (int index = 0; index < RECENT; index++) {
      Definition definition = recent.get(index);
      if (definition == null || !definition.internalName().equals(internalName)) {
        continue;
      }
      Object loader = definition.loader().get();
      if (loader != null && !definedBy(found, loader) && !isPending(pending, loader)) {
        pending.add(definition.loader());
      }
    }
  }

  private static boolean isPending(List<WeakReference<Object>> pending, Object loader) {
    for (WeakReference<Object> waiting : pending) {
      if (waiting.get() == loader) {
        return true;
      }
    }
    return false;
  }

  private static boolean definedBy(List<Class<?>> found, Object loader) {
    for (Class<?> type : found) {
      Object defining = type.getClassLoader() == null ? BOOT : type.getClassLoader();
      if (defining == loader) {
        return true;
      }
    }
    return false;
  }
}
