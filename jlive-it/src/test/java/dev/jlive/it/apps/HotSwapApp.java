package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;

/**
 * A target with a second agent beside jlive, standing for a debugger's or IDE's hot swap: "hotswap"
 * redefines Pricer with its class file as compiled, "price N" answers what Pricer.price(N) returns.
 * Started with {@code -javaagent:} a jar whose manifest names this class as its Premain-Class.
 */
public final class HotSwapApp {
  private static volatile Instrumentation instrumentation;

  private HotSwapApp() {}

  public static void premain(String options, Instrumentation given) {
    instrumentation = given;
  }

  public static void main(String[] args) throws Exception {
    Pricer pricer = new Pricer();
    System.out.println("ready " + ProcessHandle.current().pid() + " " + pricer.price(0));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      if (words[0].equals("hotswap")) {
        byte[] compiled;
        try (InputStream bytes = Pricer.class.getResourceAsStream("Pricer.class")) {
          compiled = bytes.readAllBytes();
        }
        instrumentation.redefineClasses(new ClassDefinition(Pricer.class, compiled));
        System.out.println("swapped");
      } else if (words[0].equals("price")) {
        System.out.println("price " + pricer.price(Integer.parseInt(words[1])));
      }
    }
  }
}
