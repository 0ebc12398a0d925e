package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Loads Pricer twice, through two class loaders of its own, as application servers do per web app.
 */
public final class TwoLoadersApp {
  private static volatile Instrumentation instrumentation;

  private TwoLoadersApp() {}

  /** With {@code -javaagent:} a jar naming this class: what {@code slow-load} needs. */
  public static void premain(String options, Instrumentation given) {
    instrumentation = given;
  }

  /**
   * @param args {@code late}: one Pricer at the start, the second when the line {@code load} comes
   *     (a class defined after the agent looked the name up). {@code slow-load} starts that
   *     definition and holds it up after jlive's transformer has seen it (a transformer added now,
   *     so after jlive's, blocks on Pricer; "defining" says it is there) until the line {@code
   *     release}, after which "loaded N" comes
   */
  public static void main(String[] args) throws Exception {
    List<Object> pricers = new ArrayList<>();
    int atStart = args.length > 0 && args[0].equals("late") ? 1 : 2;
    for (int i = 0; i < atStart; i++) {
      pricers.add(load(i));
    }
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("slow-load")) {
        CountDownLatch release = new CountDownLatch(1);
        instrumentation.addTransformer(new HoldPricer(release), true);
        int index = pricers.size();
        Thread loading =
            new Thread(
                () -> {
                  try {
                    Object pricer = load(index);
                    synchronized (pricers) {
                      pricers.add(pricer);
                      System.out.println("loaded " + pricers.size());
                    }
                  } catch (Exception e) {
                    System.out.println("load failed " + e);
                  }
                });
        loading.start();
        String next = in.readLine();
        if (!"release".equals(next)) {
          throw new IllegalStateException("expected release, got " + next);
        }
        release.countDown();
        loading.join();
        continue;
      }
      if (line.equals("load")) {
        pricers.add(load(pricers.size()));
        System.out.println("loaded " + pricers.size());
        continue;
      }
      StringBuilder out = new StringBuilder("prices");
      for (Object pricer : pricers) {
        out.append(' ')
            .append(
                pricer
                    .getClass()
                    .getMethod("price", int.class)
                    .invoke(pricer, Integer.parseInt(line)));
      }
      System.out.println(out);
    }
  }

  /** A Pricer of a loader of its own, whose parent is the platform loader. */
  private static Object load(int index) throws Exception {
    URL classes = TwoLoadersApp.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader loader =
        new URLClassLoader(
            "webapp-" + index, new URL[] {classes}, ClassLoader.getPlatformClassLoader());
    return Class.forName("dev.jlive.it.apps.Pricer", true, loader).getConstructor().newInstance();
  }

  /** Holds Pricer's definition up, once the JVM has called the transformers before it. */
  private static final class HoldPricer implements ClassFileTransformer {
    private final CountDownLatch release;

    HoldPricer(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public byte[] transform(
        ClassLoader loader,
        String name,
        Class<?> redefined,
        java.security.ProtectionDomain domain,
        byte[] bytes) {
      if (redefined == null && "dev/jlive/it/apps/Pricer".equals(name)) {
        System.out.println("defining");
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return null;
    }
  }
}
