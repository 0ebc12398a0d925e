package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives {@link Gated}: platform threads calling it in loops with null and primitive arguments, or
 * threads (virtual ones on Java 21+) held inside it. Each result is tallied as {@code v1v1}, {@code
 * v2v2}, {@code mixed} (parts of two versions in one call), {@code wrong:<result>} (arguments lost
 * on the way) or {@code error:<exception>} (something was thrown into the application).
 */
public final class GateApp {
  private static final Map<String, LongAdder> RESULTS = new ConcurrentHashMap<>();
  private static final AtomicBoolean STOP = new AtomicBoolean();
  private static final List<Thread> HELD = new ArrayList<>();

  /** The load's workers; "stop" waits for them, so a JVM shared by tests starts clean. */
  private static final List<Thread> WORKERS = new ArrayList<>();

  private static CountDownLatch release = new CountDownLatch(1);

  private GateApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      switch (words[0]) {
        case "load" -> load(Integer.parseInt(words[1]));
        case "hold" -> hold(Integer.parseInt(words[1]), words[2].equals("virtual"));
        case "release" -> {
          release.countDown();
          for (Thread thread : HELD) {
            thread.join();
          }
          HELD.clear();
          System.out.println("released");
        }
        case "results" -> System.out.println("results " + new TreeMap<>(Map.copyOf(RESULTS)));
        case "clear" -> {
          RESULTS.clear();
          System.out.println("cleared");
        }
        case "stop" -> {
          STOP.set(true);
          for (Thread worker : WORKERS) {
            worker.join(10_000);
          }
          long running = WORKERS.stream().filter(Thread::isAlive).count();
          WORKERS.clear();
          System.out.println(
              "stopped" + (running == 0 ? "" : ", " + running + " workers still running"));
        }
        case "property" -> {
          // A test-only agent setting that the agent reads when it needs it (SwapCleanUpTest).
          System.setProperty(words[1], words[2]);
          System.out.println("property set");
        }
        default -> System.out.println("unknown " + line);
      }
    }
  }

  private static void load(int threads) {
    STOP.set(false);
    Gated instance = new Gated("g");
    for (int i = 0; i < threads; i++) {
      boolean onInstance = i % 2 == 1;
      Thread worker =
          new Thread(
              () -> {
                long calls = 0;
                while (!STOP.get()) {
                  boolean withNull = calls++ % 2 == 0;
                  tally(
                      () ->
                          onInstance
                              ? instance.callOn(withNull ? null : 42, 7, 7_000_000_000L, 0.5, true)
                              : Gated.call(withNull ? null : "t", 7, 7_000_000_000L, 0.5, true),
                      onInstance
                          ? "g|" + (withNull ? null : 42) + "|7|7000000000|0.5|true"
                          : (withNull ? null : "t") + "|7|7000000000|0.5|true");
                }
              },
              "gate-worker-" + i);
      worker.setDaemon(true);
      worker.start();
      WORKERS.add(worker);
    }
    System.out.println("load started");
  }

  private static void hold(int count, boolean virtual) throws Exception {
    release = new CountDownLatch(1);
    CountDownLatch mine = release;
    Gated.HELD_INSIDE.set(0);
    for (int i = 0; i < count; i++) {
      Runnable held = () -> tally(() -> Gated.hold(mine), "held");
      HELD.add(virtual ? startVirtual("held-" + i, held) : startPlatform("held-" + i, held));
    }
    while (Gated.HELD_INSIDE.get() < count) {
      Thread.sleep(10);
    }
    System.out.println("holding " + count);
  }

  private static Thread startPlatform(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Thread.ofVirtual().name(name).start(task), by reflection: the tests compile for Java 17. */
  private static Thread startVirtual(String name, Runnable task)
      throws ReflectiveOperationException {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    Class<?> builderType = Class.forName("java.lang.Thread$Builder");
    builder = builderType.getMethod("name", String.class).invoke(builder, name);
    Method start = builderType.getMethod("start", Runnable.class);
    return (Thread) start.invoke(builder, task);
  }

  interface Call {
    String run() throws Exception;
  }

  /**
   * @param arguments what the result must end with, after the version and its separator
   */
  private static void tally(Call call, String arguments) {
    String kind;
    try {
      kind = kindOf(call.run(), arguments);
    } catch (Throwable t) {
      kind = "error:" + t;
    }
    RESULTS.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /**
   * A result is its two halves' versions, then the arguments joined by its version's separator. Any
   * disagreement among those three marks is a mixed call. Mixes are not only {@code v1v2}: the
   * versions differ only in constants, so HotSpot treats them as equivalent and a running frame of
   * the old body goes on with the new constant pool, joining two old halves with the new separator.
   * Only lost or altered arguments are "wrong".
   */
  static String kindOf(String result, String arguments) {
    if (result.length() < 5
        || !result.substring(5).replace(';', '|').equals(arguments)
        || !result.matches("v[12]v[12][|;].*")) {
      return "wrong:" + result;
    }
    String versions = result.substring(0, 4);
    char separator = result.charAt(4);
    if (versions.equals("v1v1") && separator == '|') {
      return "v1v1";
    }
    if (versions.equals("v2v2") && separator == ';') {
      return "v2v2";
    }
    return "mixed";
  }
}
