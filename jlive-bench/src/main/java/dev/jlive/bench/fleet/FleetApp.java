package dev.jlive.bench.fleet;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A target JVM for the probe install-time driver: loads {@value #HANDLERS} handler classes ({@code
 * Handler01} to {@code Handler50}), calls each often enough that the JIT compiles it, prints {@code
 * jlive-bench fleet ready pid=<pid> classes=<n>}, then waits to be stopped.
 */
public final class FleetApp {
  static final int HANDLERS = 50;
  private static final int WARM_CALLS = 20_000;

  private FleetApp() {}

  /** The class names, {@code dev.jlive.bench.fleet.Handler01} and on. */
  public static List<String> handlerNames() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= HANDLERS; i++) {
      names.add(String.format(Locale.ROOT, "%s.Handler%02d", FleetApp.class.getPackageName(), i));
    }
    return names;
  }

  public static void main(String[] args) throws Exception {
    long sum = 0;
    for (String name : handlerNames()) {
      Class<?> type = Class.forName(name);
      Object handler = type.getConstructor().newInstance();
      Method handle = type.getMethod("handle", int.class);
      for (int i = 0; i < WARM_CALLS; i++) {
        sum += (Integer) handle.invoke(handler, i);
      }
    }
    System.out.println(
        "jlive-bench fleet ready pid="
            + ProcessHandle.current().pid()
            + " classes="
            + HANDLERS
            + " checksum="
            + sum);
    System.out.flush();
    // Stopped by SIGTERM, which runs the agent's shutdown hook.
    Thread.sleep(Long.MAX_VALUE);
  }
}
