package dev.jlive.it.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spring Boot app of jlive-it-spring, run from its executable jar (nested jars, Boot's own
 * class loader) on Java 17 with jlive attached dynamically, as the Spring tests need it.
 *
 * @param jvm the app's JVM; closing it stops the app
 * @param base the app's HTTP address, {@code http://127.0.0.1:PORT}
 * @param jlive jlive, attached to the app
 */
public record SpringApp(TargetJvm jvm, String base, LiveChanges jlive) implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("ready port=(\\d+) pid=\\d+");

  /** Starts the app on a free port, waits for its ready line and attaches jlive. */
  public static SpringApp startAttached() throws Exception {
    TargetJvm jvm =
        TargetJvm.on(Jdk.JAVA_17)
            .jar(Artifacts.springJar(), "--server.port=0", "--spring.main.banner-mode=off")
            .readyLine("ready port=")
            .start();
    try {
      Matcher ready =
          jvm.stdout().stream()
              .map(READY::matcher)
              .filter(Matcher::matches)
              .findFirst()
              .orElseThrow();
      LiveChanges jlive = LiveChanges.of(jvm);
      jlive.attach();
      return new SpringApp(jvm, "http://127.0.0.1:" + ready.group(1), jlive);
    } catch (Exception | Error e) {
      jvm.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    jvm.close();
  }
}
