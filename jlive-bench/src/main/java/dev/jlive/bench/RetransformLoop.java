package dev.jlive.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import javax.management.ObjectName;

/**
 * How much metaspace does the JVM itself keep per retransformation, with no jlive in the process? A
 * minimal reproducer for the soak's metaspace growth (BENCHMARKS.md section 9): one small class,
 * called in a loop by a few threads so that it is hot and compiled, retransformed {@code --rounds}
 * times by a plain {@code ClassFileTransformer}, either with its own bytes ({@code --mode same}:
 * the transformer returns null) or alternating with a copy that differs in one string constant
 * ({@code --mode alternate}). Metaspace used is printed every {@code --report-every} rounds, after
 * two {@code System.gc()}; {@code --gc-every N} adds a full GC every N rounds during the loop, to
 * tell metadata the JVM frees only after a class-unloading GC from metadata it never frees.
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -cp jlive-bench.jar dev.jlive.bench.RetransformLoop --rounds 2000 --mode alternate
 * </pre>
 */
public final class RetransformLoop {
  static final String USAGE =
      """
      usage: java -Djdk.attach.allowAttachSelf=true -cp jlive-bench.jar dev.jlive.bench.RetransformLoop [options]
        --rounds N        retransformations (default 2000)
        --mode M          same (the class's own bytes), alternate (two versions in turn) or fresh (the original and,
                          in turn, a version with a string constant no version had before) (default alternate)
        --threads T       threads calling the class meanwhile (default 2)
        --report-every N  print metaspace used (after two full GCs) every N rounds (default 250)
        --gc-every N      also a full GC every N rounds during the loop (default: none)
        --details yes     print jcmd VM.metaspace (after the GCs) at the start and the end""";

  private static volatile Instrumentation instrumentation;
  private static volatile boolean stop;

  /** The class that is retransformed: small, hot, with one string constant to change. */
  public static final class Target {
    private Target() {}

    public static long work(long seed) {
      String tag = "version-A";
      long value = seed;
      for (int i = 0; i < 16; i++) {
        value = value * 31 + tag.charAt(i % tag.length());
      }
      return value;
    }
  }

  /** Entry point of the agent this program attaches to itself. */
  public static void agentmain(String arguments, Instrumentation inst) {
    instrumentation = inst;
  }

  public static void main(String[] args) throws Exception {
    DriverOptions options =
        DriverOptions.parse(
            args,
            Set.of("rounds", "mode", "threads", "report-every", "gc-every", "details"),
            USAGE);
    int rounds = options.integer("rounds", 2000);
    String mode = options.string("mode", "alternate");
    boolean alternate =
        switch (mode) {
          case "same" -> false;
          case "alternate", "fresh" -> true;
          default ->
              throw new IllegalArgumentException(
                  "--mode must be same, alternate or fresh\n" + USAGE);
        };
    // fresh: each changed version carries a constant no version had before, as woven code carries a
    // new probe slot or gate id each time.
    boolean fresh = mode.equals("fresh");
    int threads = options.integer("threads", 2);
    int reportEvery = options.integer("report-every", 250);
    int gcEvery =
        options.string("gc-every", null) == null
            ? Integer.MAX_VALUE
            : options.integer("gc-every", 1);

    attachToSelf();
    byte[] original = classBytes(Target.class);
    byte[] changed = replace(original, "version-A", "version-B");
    boolean[] useChanged = {false};
    byte[][] next = {changed};
    instrumentation.addTransformer(
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              Module module,
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] bytes) {
            return redefined == Target.class && useChanged[0] ? next[0] : null;
          }
        },
        true);
    for (int i = 0; i < threads; i++) {
      Thread caller =
          new Thread(
              () -> {
                long sink = 0;
                // Bursts with pauses: hot enough to be compiled, light enough not to load the
                // machine.
                while (!stop) {
                  for (int call = 0; call < 20_000; call++) {
                    sink += Target.work(sink);
                  }
                  pause(5);
                }
                if (sink == 42) {
                  System.out.print("");
                }
              },
              "caller-" + i);
      caller.setDaemon(true);
      caller.start();
    }
    Thread.sleep(1000);
    System.out.printf(
        Locale.ROOT,
        "java %s, mode %s, %d callers, full GC every %s rounds%n",
        Runtime.version(),
        mode,
        threads,
        gcEvery == Integer.MAX_VALUE ? "no" : gcEvery);
    boolean details = options.string("details", null) != null;
    report(0);
    if (details) {
      System.out.println(metaspaceDetails());
    }
    for (int round = 1; round <= rounds; round++) {
      useChanged[0] = alternate && round % 2 == 1;
      if (fresh && useChanged[0]) {
        next[0] = replace(original, "version-A", String.format(Locale.ROOT, "v%08d", round));
      }
      instrumentation.retransformClasses(Target.class);
      if (round % gcEvery == 0) {
        System.gc();
      }
      if (round % reportEvery == 0) {
        report(round);
      }
    }
    if (details) {
      System.out.println(metaspaceDetails());
    }
    stop = true;
  }

  /** What {@code jcmd VM.metaspace} says, through the diagnostic command bean. */
  private static String metaspaceDetails() throws Exception {
    ObjectName bean = new ObjectName("com.sun.management:type=DiagnosticCommand");
    return (String)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                bean,
                "vmMetaspace",
                new Object[] {new String[] {"show-loaders"}},
                new String[] {String[].class.getName()});
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
    }
  }

  private static void report(int round) {
    System.gc();
    System.gc();
    long metaspace = 0;
    long classSpace = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed();
      } else if (pool.getName().equals("Compressed Class Space")) {
        classSpace = pool.getUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "round %6d  metaspace used %8.1f KB  class space used %8.1f KB%n",
        round,
        metaspace / 1024.0,
        classSpace / 1024.0);
  }

  private static void attachToSelf() throws Exception {
    SelfAttach.load(RetransformLoop.class, "Can-Retransform-Classes");
    if (instrumentation == null) {
      throw new IllegalStateException("the agent did not start");
    }
  }

  private static byte[] classBytes(Class<?> type) throws IOException {
    String resource = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no class file for " + type.getName());
      }
      return in.readAllBytes();
    }
  }

  /** The class file with one UTF-8 constant replaced by another of the same length. */
  static byte[] replace(byte[] bytes, String from, String to) {
    byte[] needle = from.getBytes(StandardCharsets.UTF_8);
    byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
    byte[] copy = bytes.clone();
    for (int i = 0; i + needle.length <= copy.length; i++) {
      if (Arrays.equals(copy, i, i + needle.length, needle, 0, needle.length)) {
        System.arraycopy(replacement, 0, copy, i, replacement.length);
        return copy;
      }
    }
    throw new IllegalStateException("'" + from + "' is not in the class file");
  }
}
