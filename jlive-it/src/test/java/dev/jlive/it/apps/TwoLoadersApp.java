package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;

/**
 * Loads Pricer twice, through two class loaders of its own, as application servers do per web app.
 */
public final class TwoLoadersApp {
  private TwoLoadersApp() {}

  public static void main(String[] args) throws Exception {
    URL classes = TwoLoadersApp.class.getProtectionDomain().getCodeSource().getLocation();
    Object[] pricers = new Object[2];
    for (int i = 0; i < 2; i++) {
      // Parent: the platform loader, so each loader defines its own Pricer.
      ClassLoader loader =
          new URLClassLoader(
              "webapp-" + i, new URL[] {classes}, ClassLoader.getPlatformClassLoader());
      pricers[i] =
          Class.forName("dev.jlive.it.apps.Pricer", true, loader).getConstructor().newInstance();
    }
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
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
}
