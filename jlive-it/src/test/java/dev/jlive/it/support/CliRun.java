package dev.jlive.it.support;

import dev.jlive.cli.Main;
import dev.jlive.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One run of the {@code jlive} command, in this JVM, as the process runs it ({@code Main.run}),
 * with what it printed and its exit code.
 */
public record CliRun(int exitCode, String stdout, String stderr) {

  public static CliRun jlive(String... args) {
    Artifacts.runtimeDir();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  public Map<String, Object> json() {
    return Json.parseObject(stdout);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
  }
}
