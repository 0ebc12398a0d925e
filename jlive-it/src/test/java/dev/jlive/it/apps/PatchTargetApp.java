package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A target for patches: "price N" answers what Pricer.price(N) returns now, and how many quotes it
 * gave.
 */
public final class PatchTargetApp {
  private PatchTargetApp() {}

  public static void main(String[] args) throws Exception {
    Pricer pricer = new Pricer();
    System.out.println("ready " + ProcessHandle.current().pid() + " " + pricer.price(0));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      if (words[0].equals("price")) {
        System.out.println(
            "price " + pricer.price(Integer.parseInt(words[1])) + " quotes " + pricer.quotes());
      }
    }
  }
}
