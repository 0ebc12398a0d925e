package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads Pricer twice, through two class loaders of its own, as application servers do per web app.
 */
public final class TwoLoadersApp {
  private TwoLoadersApp() {}

  /**
   * @param args {@code late}: one Pricer at the start, the second when the line {@code load} comes
   *     (a class defined after the agent looked the name up)
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
}
