package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An application that logs through SLF4J (slf4j-simple writes to stderr). */
public final class Slf4jApp {
  private static final Logger LOG = LoggerFactory.getLogger(Slf4jApp.class);

  private Slf4jApp() {}

  public static void main(String[] args) throws Exception {
    LOG.info("started");
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      System.out.println("handled " + handle(line));
    }
  }

  static int handle(String order) {
    return order.length();
  }
}
