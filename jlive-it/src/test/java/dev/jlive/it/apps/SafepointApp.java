package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Threads calling Versioned in loops, and the tally of what each call saw. */
public final class SafepointApp {
  private static final Map<String, LongAdder> RESULTS = new ConcurrentHashMap<>();
  private static final AtomicBoolean STOP_WORKERS = new AtomicBoolean();
  private static final AtomicBoolean STOP_STUCK = new AtomicBoolean();

  /** The workers started last; "stop" waits for them, so a JVM shared by tests starts clean. */
  private static final List<Thread> WORKERS = new ArrayList<>();

  private SafepointApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready " + ProcessHandle.current().pid() + " " + Versioned.call());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line) {
        case "calls" -> workers(4, () -> Versioned.call());
        case "vault" -> workers(4, Vault::section);
        case "recursion" -> workers(4, () -> "countdown=" + Versioned.countdown(40));
        case "results" -> System.out.println("results " + new TreeMap<>(Map.copyOf(RESULTS)));
        case "call" ->
            System.out.println("call " + Versioned.call() + " " + Versioned.countdown(3));
        case "stuck" -> {
          Thread stuck = new Thread(() -> Versioned.forever(STOP_STUCK), "stuck-worker");
          stuck.setDaemon(true);
          stuck.start();
          System.out.println("stuck started");
        }
        case "unstick" -> {
          STOP_STUCK.set(true);
          System.out.println("unstuck");
        }
        case "ready" -> {
          Versioned.ready = true;
          System.out.println("ready set");
        }
        case "stop" -> System.out.println("stopped" + stopWorkers());
        default -> System.out.println("unknown " + line);
      }
    }
  }

  /** Stops the workers and waits for them; answers what is left running, if anything. */
  private static String stopWorkers() throws InterruptedException {
    STOP_WORKERS.set(true);
    for (Thread worker : WORKERS) {
      worker.join(10_000);
    }
    long running = WORKERS.stream().filter(Thread::isAlive).count();
    WORKERS.clear();
    return running == 0 ? "" : ", " + running + " workers still running";
  }

  private static void workers(int count, Supplier<String> work) {
    RESULTS.clear();
    STOP_WORKERS.set(false);
    for (int i = 0; i < count; i++) {
      Thread worker =
          new Thread(
              () -> {
                while (!STOP_WORKERS.get()) {
                  RESULTS.computeIfAbsent(work.get(), k -> new LongAdder()).increment();
                }
              },
              "worker-" + i);
      worker.setDaemon(true);
      worker.start();
      WORKERS.add(worker);
    }
    System.out.println("workers started");
  }
}
