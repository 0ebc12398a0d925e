package dev.jlive.bench.weave;

import dev.jlive.bench.SelfAttach;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * What the order of a redefinition's constant pool costs the JVM (BENCHMARKS.md section 61). For
 * each class, the best of {@code --rounds} redefinitions with its own bytes, with its bytes written
 * again with every constant in ASM's order ({@code fresh}, as a compiler writes a class afresh),
 * and with those written again with the running class's pool first ({@code aligned}, what jlive's
 * {@code PoolOrder} does), each after a redefinition back to its own bytes; and the time of the
 * pass that aligns, warm and the first one. No jlive in the process.
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -cp jlive-bench.jar dev.jlive.bench.weave.PoolMergeCost [--rounds 5] [CLASS...]
 * </pre>
 */
public final class PoolMergeCost {
  private static final List<String> H2_CLASSES =
      List.of(
          "org.h2.command.Parser",
          "org.h2.table.InformationSchemaTable",
          "org.h2.engine.Database",
          "org.h2.value.Value",
          "org.h2.command.query.Select",
          "org.h2.mvstore.MVMap",
          "org.h2.table.Table",
          "org.h2.util.StringUtils",
          "org.h2.value.ValueInteger");

  private static volatile Instrumentation instrumentation;

  private PoolMergeCost() {}

  public static void agentmain(String arguments, Instrumentation inst) {
    instrumentation = inst;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    List<String> classes = H2_CLASSES;
    if (args.length > 0 && args[0].equals("--rounds")) {
      if (args.length < 2 || !args[1].matches("[1-9][0-9]*")) {
        System.err.println(
            "PoolMergeCost: --rounds takes a whole number of redefinitions, 1 or more;"
                + " usage: PoolMergeCost [--rounds N] [CLASS...]");
        System.exit(2);
      }
      rounds = Integer.parseInt(args[1]);
      args = Arrays.copyOfRange(args, 2, args.length);
    }
    if (args.length > 0) {
      classes = List.of(args);
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : classes) {
      try {
        types.add(Class.forName(name, false, PoolMergeCost.class.getClassLoader()));
      } catch (ClassNotFoundException e) {
        System.err.println(
            "PoolMergeCost: "
                + name
                + " is not on the class path; name classes of jlive-bench.jar's dependencies"
                + " (H2's by default), or add a jar with -cp");
        System.exit(2);
      }
    }
    attachToSelf();
    System.out.println(
        "class\tbytes\tconstants\town bytes ms\tfresh ms\taligned ms\tpass ms\tfirst pass ms");
    for (Class<?> type : types) {
      String name = type.getName();
      byte[] own;
      try (InputStream in =
          PoolMergeCost.class
              .getClassLoader()
              .getResourceAsStream(name.replace('.', '/') + ".class")) {
        own = in.readAllBytes();
      }
      byte[] fresh = fresh(own);
      long start = System.nanoTime();
      byte[] aligned = aligned(own, fresh);
      double firstPass = millis(start);
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
      byte[][] versions = {own, fresh, aligned};
      for (int round = 0; round < rounds; round++) {
        start = System.nanoTime();
        aligned(own, fresh);
        best[3] = Math.min(best[3], millis(start));
        for (int v = 0; v < versions.length; v++) {
          instrumentation.redefineClasses(new ClassDefinition(type, own));
          start = System.nanoTime();
          instrumentation.redefineClasses(new ClassDefinition(type, versions[v]));
          best[v] = Math.min(best[v], millis(start));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f%n",
          name,
          own.length,
          new ClassReader(own).getItemCount(),
          best[0],
          best[1],
          best[2],
          best[3],
          firstPass);
    }
  }

  /** The class written again from its events alone: ASM puts each constant where it meets it. */
  private static byte[] fresh(byte[] bytes) {
    ClassWriter writer = new ClassWriter(0);
    new ClassReader(bytes).accept(writer, 0);
    return writer.toByteArray();
  }

  /** {@code patch} with {@code running}'s constants first, at their indexes, as PoolOrder does. */
  private static byte[] aligned(byte[] running, byte[] patch) {
    ClassWriter writer = new ClassWriter(new ClassReader(running), 0);
    new ClassReader(patch).accept(writer, 0);
    return writer.toByteArray();
  }

  private static double millis(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static void attachToSelf() throws Exception {
    SelfAttach.load(PoolMergeCost.class, "Can-Redefine-Classes");
    if (instrumentation == null) {
      throw new IllegalStateException("the agent did not start");
    }
  }
}
