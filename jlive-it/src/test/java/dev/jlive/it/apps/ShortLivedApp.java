package dev.jlive.it.apps;

/** Returns from main at once: with the agent loaded, the JVM must still exit by itself. */
public final class ShortLivedApp {
  private ShortLivedApp() {}

  public static void main(String[] args) {
    System.out.println("ready " + ProcessHandle.current().pid());
    System.out.println("main done");
  }
}
