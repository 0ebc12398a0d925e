package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlive check PID 'C#m'}: asks the agent's side-effect check whether a method may run a
 * second time on the same inputs without changing anything, before shadowing or replaying it.
 */
@Command(
    name = "check",
    description = {
      "Check from a method's running bytecode whether it may run a second time on the same inputs"
          + " without changing anything (no writes to objects it did not create, no locks, no I/O,"
          + " no unknown calls), as shadow runs and replays need.",
      "Exit code 0 when every overload is repeatable, " + ExitCode.DIFFERS + " when one is not."
    })
public final class CheckCommand extends AgentCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[PID] CLASS#METHOD",
      description =
          "The JVM's process id (unless --host) and the method, e.g. com.acme.Pricing#total.")
  List<String> positionals;

  @Option(
      names = "--descriptor",
      paramLabel = "DESC",
      description = "Only the overload with this JVM descriptor, e.g. '(JI)J' (`jlive methods`).")
  String descriptor;

  @Option(
      names = "--loader",
      paramLabel = "ID",
      description =
          "The class from this loader (as `jlive classes` shows it), when several loaded it.")
  String loader;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    Connected connected = connect(positionals, 1, "PID CLASS#METHOD");
    String target = connected.rest().get(0);
    int hash = target.indexOf('#');
    if (hash <= 0 || hash == target.length() - 1) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "'" + target + "' is not CLASS#METHOD",
          "name the method as the probes do, e.g. com.acme.Pricing#discountedPrice");
    }
    Map<String, String> query = new HashMap<>();
    query.put("class", target.substring(0, hash));
    query.put("method", target.substring(hash + 1));
    query.put("descriptor", descriptor);
    query.put("loader", loader);
    Map<String, Object> answer = connected.client().get(Api.SIDE_EFFECTS, query);
    boolean repeatable = Boolean.TRUE.equals(answer.get("repeatable"));
    Printer printer = printer();
    if (printer.isJson()) {
      printer.json(answer);
    } else {
      for (Object each : (List<Object>) answer.get("verdicts")) {
        Map<String, Object> verdict = (Map<String, Object>) each;
        boolean ok = Boolean.TRUE.equals(verdict.get("repeatable"));
        printer.line(
            verdict.get("method")
                + (ok ? ": repeatable (changes nothing it did not create)" : ": NOT repeatable"));
        for (Object finding : (List<Object>) verdict.get("findings")) {
          printer.line("  " + ((Map<String, Object>) finding).get("text"));
        }
      }
    }
    return repeatable ? ExitCode.OK : ExitCode.DIFFERS;
  }
}
