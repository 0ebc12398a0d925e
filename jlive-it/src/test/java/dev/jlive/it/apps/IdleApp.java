package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A target that idles with one busy-ish worker thread until its stdin closes. */
public final class IdleApp {
  private static volatile boolean running = true;

  private IdleApp() {}

  public static void main(String[] args) throws Exception {
    Thread worker = new Thread(IdleApp::work, "idle-worker");
    worker.setDaemon(true);
    worker.start();
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("ping")) {
        System.out.println(pong());
      }
    }
    running = false;
  }

  static String pong() {
    return "pong";
  }

  static void work() {
    Object lock = new Object();
    while (running) {
      synchronized (lock) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
