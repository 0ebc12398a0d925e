package dev.jlive.agent.compile;

import static dev.jlive.agent.compile.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyAndLeakTest {
  @TempDir static Path tmp;

  static Path jar;

  @BeforeAll
  static void buildFixtures() throws IOException {
    Path classes =
        Fixtures.compileTo(
            tmp.resolve("classes"),
            Map.of(
                "fixture.lib.Counter",
                """
        package fixture.lib;

        public class Counter {
          public static int next(int value) {
            return value + 1;
          }
        }
        """));
    jar = Fixtures.jar(classes, tmp.resolve("counter.jar"), false, null);
  }

  private static SourceFile source(int n) {
    return new SourceFile(
        "app.Use" + n,
        """
        package app;

        public class Use%d {
          static int run() {
            return fixture.lib.Counter.next(%d);
          }
        }
        """
            .formatted(n, n));
  }

  /**
   * Regression: reading classes with URLClassLoader.getResourceAsStream shares the JDK's cached
   * JarFile, and a sibling loader closing it failed other compiles with "zip file closed".
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void concurrentCompilesSurviveSiblingLoadersOfTheSameJarClosing() throws Exception {
    int threads = 6;
    int compilesPerThread = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (URLClassLoader shared = Fixtures.urlLoader(url(jar))) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < compilesPerThread; i++) {
                    int n = thread * 100 + i;
                    // Half against the shared loader, half against a loader of their own over the
                    // same jar.
                    try (URLClassLoader own = Fixtures.urlLoader(url(jar))) {
                      URLClassLoader loader = i % 2 == 0 ? shared : own;
                      Compilation result =
                          InTargetCompiler.compile(
                              List.of(source(n)), loader, CompileOptions.defaults());
                      assertThat(result.succeeded()).as(result.errorReport()).isTrue();
                      assertThat(
                              Fixtures.callStatic(loader, result.classes(), "app.Use" + n, "run"))
                          .isEqualTo(n + 1);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(110, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Regression, the deterministic form of the race above. */
  @Test
  void closingALoaderCompiledAgainstLeavesTheSharedJarFileCacheAlone() throws Exception {
    JarURLConnection connection =
        (JarURLConnection)
            new URL("jar:" + url(jar) + "!/fixture/lib/Counter.class").openConnection();
    JarFile cached = connection.getJarFile();
    try {
      try (URLClassLoader loader = Fixtures.urlLoader(url(jar))) {
        Compilation result =
            InTargetCompiler.compile(List.of(source(7)), loader, CompileOptions.defaults());
        assertThat(result.succeeded()).as(result.errorReport()).isTrue();
      }

      assertThat(cached.getEntry("fixture/lib/Counter.class"))
          .as("cached JarFile still open")
          .isNotNull();
    } finally {
      cached.close();
    }
  }

  /** Nothing a compile leaves behind (the jar index cache included) holds on to the loader. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCompileDoesNotKeepTheLoaderReachable() throws Exception {
    WeakReference<ClassLoader> loader = compileWithThrowawayLoader();

    for (int i = 0; i < 100 && loader.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }

    assertThat(loader.get()).as("loader still reachable after a compile").isNull();
  }

  private static WeakReference<ClassLoader> compileWithThrowawayLoader() throws Exception {
    URLClassLoader loader = Fixtures.urlLoader(url(jar));
    Compilation result =
        InTargetCompiler.compile(List.of(source(1)), loader, CompileOptions.defaults());
    assertThat(result.succeeded()).as(result.errorReport()).isTrue();
    loader.close();
    return new WeakReference<>(loader);
  }
}
