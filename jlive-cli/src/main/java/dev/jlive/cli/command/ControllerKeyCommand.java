package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.controller.ControllerConfig;
import dev.jlive.controller.sign.ChangeSigner;
import dev.jlive.protocol.JLiveException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "key",
    description = {
      "Print the public key agents verify changes with (the controller's signing key is made when missing).",
      "Give it to agents as -javaagent:jlive-agent.jar=...,controllerKey=FILE (or JLIVE_CONTROLLER_KEY_FILE=FILE):",
      "they then apply only changes a controller with this key signed."
    })
public final class ControllerKeyCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The controller's data directory (default ~/.jlive/controller).")
  Path dataDir = Paths.get(System.getProperty("user.home"), ".jlive", "controller");

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description = "The controller's signing key file (default DATA-DIR/signing-key).")
  Path signingKey;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the public key to FILE instead of printing it.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path keyFile = ControllerConfig.defaults(dataDir).withSigningKey(signingKey).signingKeyFile();
    String publicKey;
    try {
      publicKey = ChangeSigner.loadOrCreate(keyFile).publicKeyPem();
    } catch (JLiveException e) {
      throw new CliException(ExitCode.ERROR, e.code().name(), e.getMessage(), e.hint());
    }
    PrintWriter print = spec.commandLine().getOut();
    if (out == null) {
      print.print(publicKey);
    } else {
      Files.writeString(out, publicKey, StandardCharsets.UTF_8);
      print.println("public key of " + keyFile.toAbsolutePath() + " written to " + out);
    }
    print.flush();
    return 0;
  }
}
