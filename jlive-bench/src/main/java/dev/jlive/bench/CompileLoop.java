package dev.jlive.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac's own metaspace cost, with no jlive and no retransformation: compiles one source file
 * in-process again and again, as a patch from source does in the target, and prints metaspace used
 * after two full GCs every few compiles (BENCHMARKS.md section 9).
 *
 * <pre>
 * java -cp jlive-bench.jar dev.jlive.bench.CompileLoop SOURCE CLASSPATH ROUNDS REPORT_EVERY
 * </pre>
 */
public final class CompileLoop {
  private CompileLoop() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: java -cp jlive-bench.jar dev.jlive.bench.CompileLoop SOURCE CLASSPATH ROUNDS REPORT_EVERY");
      System.exit(2);
    }
    Path source = Paths.get(args[0]);
    String classpath = args[1];
    int rounds = Integer.parseInt(args[2]);
    int every = Integer.parseInt(args[3]);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path out = Files.createTempDirectory("compile-loop");
    report(0);
    for (int round = 1; round <= rounds; round++) {
      try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
        boolean compiled =
            javac
                .getTask(
                    null,
                    files,
                    null,
                    List.of("-cp", classpath, "-d", out.toString(), "-proc:none", "-g"),
                    null,
                    files.getJavaFileObjects(source))
                .call();
        if (!compiled) {
          throw new IllegalStateException("javac failed on " + source);
        }
      }
      if (round % every == 0) {
        report(round);
      }
    }
  }

  private static void report(int round) {
    System.gc();
    System.gc();
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        used = pool.getUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "compile %5d  metaspace used %8.1f KB%n", round, used / 1024.0);
  }
}
