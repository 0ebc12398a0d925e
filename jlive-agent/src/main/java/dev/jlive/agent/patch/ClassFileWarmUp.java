package dev.jlive.agent.patch;

import dev.jlive.agent.safepoint.BodySwitch;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.safepoint.QuiescentSwap;
import dev.jlive.agent.weave.ClassPipeline;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.patch.PatchResult;
import dev.jlive.protocol.patch.SafepointReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

/**
 * A class-file patch's own steps, run once on a class of jlive's, off to the side, so that the
 * first real patch finds their code loaded and warm: the first class-file patch in a JVM cost about
 * 140 ms of CPU on the patching thread where later ones cost 13, mostly ASM's tree API, {@link
 * ClassShape} and Byte Buddy redefining a merged class, all running for the first time
 * (docs/BENCHMARKS.md, section 43).
 *
 * <p>It reads the class file of {@link Running}, takes {@link Patched} renamed to {@code Running}
 * as the patch, compares their shapes as a patch does, merges old and new bodies behind a gate's
 * switch ({@link BodySwitch}) and weaves the gate into the merged class as a retransformation would
 * ({@link ClassPipeline#weaveAside}), then drops the bytes. Around that, the steps a JVM's first
 * patch still paid for after those were warm (docs/BENCHMARKS.md, section 57): the request's JSON
 * read as the endpoint reads it and the answer written as it writes it, and a safe point run
 * through on {@code Running.total} ({@link QuiescentSwap#warmUp}: the re-invoker's method handles,
 * which only a swap by a second retransformation makes, then a gate of its own closed, one thread
 * dump, the switch turned and the gate dropped). {@link PatchEngine#warmUp} then reads and checks a
 * patch of an application class through the real code.
 *
 * <p>Nothing is defined, retransformed or registered: no gate that anything can reach, no patch, no
 * layer. The JVM's own redefinition is left out on purpose: it stops every application thread at a
 * safepoint, and its cost is the JVM's native code, which does not warm up. The thread dump is kept
 * in: it is the same short pause every patch makes, and the dump's Java code ran cold in the first
 * one.
 */
public final class ClassFileWarmUp {
  /**
   * The method the warm-up patches. (Not a member of {@link Running}: it would be in its shape.)
   */
  static final String METHOD = "total";

  static final String DESCRIPTOR = "([I)J";
  static final String KEY = METHOD + " " + DESCRIPTOR;

  private ClassFileWarmUp() {}

  /**
   * @return the size of the merged class with its gate woven in, for the log
   * @throws IllegalStateException if a step did not do what a patch needs (a jlive bug: the caller
   *     logs it)
   */
  public static int run(ClassPipeline pipeline, System.Logger log) {
    byte[] patched = patchedClassFile();
    // The request as the endpoint reads it: JSON in, the class file out of its base64.
    PatchRequest request = PatchRequest.ofClassFiles(List.of(patched)).build();
    PatchRequest.fromJson(Json.parse(Json.write(request.toJson())));
    int size = wovenAside(pipeline).length;
    answerWritten();
    try {
      QuiescentSwap.warmUp(Running.class, METHOD, DESCRIPTOR, log);
    } catch (Exception e) {
      throw new IllegalStateException("the warm-up could not run its safe point", e);
    }
    return size;
  }

  /**
   * A class of the application's main class loader, for the warm-up to read and check a patch of:
   * of the loaders whose classes a patch may change ({@code patchable}: not the JDK's, not
   * jlive's), the one that defined the most classes in no named module. That is the system class
   * loader for a class path, and Spring Boot's own for the jars inside its jar, whose URL handler a
   * patch of the application goes through.
   *
   * @return null if there is none
   */
  static Class<?> applicationClass(Class<?>[] loaded, Predicate<Class<?>> patchable) {
    Map<ClassLoader, Integer> counts = new HashMap<>();
    Map<ClassLoader, Class<?>> first = new HashMap<>();
    for (Class<?> type : loaded) {
      ClassLoader loader = type.getClassLoader();
      if (loader == null
          || type.isArray()
          || type.isHidden()
          || type.getModule().isNamed()
          || !patchable.test(type)) {
        continue;
      }
      counts.merge(loader, 1, Integer::sum);
      first.putIfAbsent(loader, type);
    }
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(most -> first.get(most.getKey()))
        .orElse(null);
  }

  private static byte[] runningClassFile() {
    return ClassFileLocator.ForClassLoader.read(Running.class);
  }

  private static byte[] patchedClassFile() {
    return renamed(ClassFileLocator.ForClassLoader.read(Patched.class));
  }

  /** What the warm-up's patch changes, as a patch compares it: {@link #KEY} alone. */
  private static ClassDiff diff(byte[] running, byte[] patched) {
    ClassDiff diff = ClassDiff.between(ClassShape.of(running), ClassShape.of(patched));
    if (!diff.refused().isEmpty() || !diff.changedKeys().equals(List.of(KEY))) {
      throw new IllegalStateException(
          "the warm-up's patch of its own class should change "
              + KEY
              + " alone, but changed "
              + diff.changedKeys()
              + " and was refused for "
              + diff.refused());
    }
    return diff;
  }

  /** The merged class with its gate woven in, as a patch's retransformation would make it. */
  static byte[] wovenAside(ClassPipeline pipeline) {
    byte[] running = runningClassFile();
    byte[] patched = patchedClassFile();
    diff(running, patched);
    byte[] merged = BodySwitch.merge(running, patched, Set.of(KEY), 0);
    if (merged == null) {
      throw new IllegalStateException("the warm-up's old and new bodies could not be merged");
    }
    return pipeline.weaveAside(Running.class, merged, Gates.warmUpWeaving(METHOD, DESCRIPTOR));
  }

  /**
   * The answer to the warm-up's patch, made and written as the endpoint writes an applied patch's:
   * in a JVM's first patch that was about 3 ms of CPU (docs/BENCHMARKS.md, section 62).
   */
  static String answerWritten() {
    PatchClock clock = new PatchClock();
    clock.add(PatchClock.Phase.WOVEN, 0);
    PatchResult answer =
        PatchResult.applied(
                "x0",
                "sha256:0",
                PatchEngine.patchedClasses(
                    List.of(Running.class), List.of(diff(runningClassFile(), patchedClassFile()))),
                null,
                SafepointReport.quiescent(1, 0),
                List.of(Running.class.getName() + "#" + METHOD))
            .withPhases(clock.phases());
    return Json.write(answer.toJson());
  }

  /** {@link Patched}'s class file as if it were a new version of {@link Running}. */
  static byte[] renamed(byte[] patched) {
    ClassReader reader = new ClassReader(patched);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(
        new ClassRemapper(
            writer,
            new SimpleRemapper(
                Type.getInternalName(Patched.class), Type.getInternalName(Running.class))),
        0);
    return writer.toByteArray();
  }

  /**
   * The class "running" in the warm-up: an instance method with a loop and a branch (so stack map
   * frames), an array argument and a long result, as application methods have.
   */
  static final class Running {
    long total(int[] quantities) {
      long total = 0;
      for (int quantity : quantities) {
        if (quantity > 0) {
          total += quantity;
        }
      }
      return total;
    }
  }

  /** The warm-up's patch of {@link Running}: the same members, one body changed. */
  static final class Patched {
    long total(int[] quantities) {
      long total = 0;
      for (int quantity : quantities) {
        total += 2L * Math.max(quantity, 0);
      }
      return total;
    }
  }
}
