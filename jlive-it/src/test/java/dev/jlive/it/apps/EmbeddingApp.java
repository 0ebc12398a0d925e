package dev.jlive.it.apps;

import dev.jlive.JLive;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** An application that starts jlive itself, as a library. */
public final class EmbeddingApp {
  private EmbeddingApp() {}

  public static void main(String[] args) throws Exception {
    JLive.start();
    JLive.start();
    System.out.println("ready " + ProcessHandle.current().pid() + " running=" + JLive.isRunning());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("stop")) {
        JLive.stop();
        System.out.println("stopped running=" + JLive.isRunning());
      }
    }
  }
}
