package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * A service under steady traffic, for the rollout tests: a thread prices a cart about every
 * millisecond (so that the gates' metrics probe counts calls), and "price N" answers what
 * Pricer.price(N) returns now.
 */
public final class LoadedPricerApp {
  private LoadedPricerApp() {}

  public static void main(String[] args) throws Exception {
    Pricer pricer = new Pricer();
    Pricer traffic = new Pricer();
    Thread load =
        new Thread(
            () -> {
              while (true) {
                traffic.price(1);
                LockSupport.parkNanos(1_000_000);
              }
            },
            "traffic");
    load.setDaemon(true);
    load.start();
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
