package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", description = {"Follow probe events (log lines and snapshots) as they happen, of one probe or all.",
    "With --service NAME: the events of every process of the service, merged, each naming its process."})
public final class TailCommand extends ServiceCommand {
  private static final int WAIT_MILLIS = 2_000;
  /** With --service: an answer without events that came back sooner than this is followed by a pause. */
  static volatile long idlePauseMillis = 1_000;

  @Parameters(arity = "0..2", paramLabel = "[PID] [ID]", description = "The JVM's process id (unless --host or --service) and optionally a probe (or change) id.")
  List<String> positionals;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  Integer count;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop after this long, e.g. 30s (default: follow until interrupted).")
  String timeout;

  @Option(names = "--grep", paramLabel = "REGEX", description = "Only events whose message (or snapshot) matches REGEX.")
  String grep;

  @Option(names = "--last", paramLabel = "N", defaultValue = "0", description = "Start with the N most recent events (default ${DEFAULT-VALUE}).")
  int last;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() {
    if (onService()) {
      return tailService();
    }
    refuseFleetOptions(null, null, null);
    Connected connected = connectWithOptionalId(positionals);
    String probe = connected.optionalId();
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
    Printer printer = printer();
    Pattern filter = grep == null ? null : compile(grep);
    long after = -1;
    int seen = 0;
    while (System.nanoTime() < deadline && (count == null || seen < count)) {
      Map<String, String> query = new HashMap<>();
      query.put("probe", probe);
      if (after < 0) {
        query.put("last", Integer.toString(last));
      } else {
        query.put("after", Long.toString(after));
      }
      long remainingMillis = Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
      query.put("waitMillis", Long.toString(Math.min(WAIT_MILLIS, remainingMillis)));
      Map<String, Object> answer = connected.client().get(Api.EVENTS, query);
      after = ((Number) answer.get("last")).longValue();
      long missed = ((Number) answer.get("missed")).longValue();
      if (missed > 0 && !printer.isJson()) {
        printer.note("(" + missed + " events were overwritten before they could be read)");
      }
      for (Map<String, Object> event : (List<Map<String, Object>>) answer.get("events")) {
        if (count != null && seen >= count) {
          break;
        }
        if (filter != null && !filter.matcher(String.valueOf(event.get("message") != null ? event.get("message") : event.get("data"))).find()) {
          continue;
        }
        seen++;
        printer.line(printer.isJson() ? Json.write(event) : format(event));
      }
    }
    return 0;
  }

  /** --service: polls the controller's merged event stream with after=the last sequence seen. */
  @SuppressWarnings("unchecked")
  private int tailService() {
    List<String> args = serviceArgs(positionals, 0, 1, "[ID]");
    String service = fleet.service();
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
    Pattern filter = grep == null ? null : compile(grep);
    ControllerClient client = controller();
    Printer printer = printer();
    Object after = null;
    int seen = 0;
    while (System.nanoTime() < deadline && (count == null || seen < count)) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("change", args.isEmpty() ? null : args.get(0));
      if (after == null) {
        query.put("last", Integer.toString(last));
      } else {
        query.put("after", String.valueOf(after));
      }
      long remainingMillis = Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
      query.put("waitMillis", Long.toString(Math.min(WAIT_MILLIS, remainingMillis)));
      long asked = System.nanoTime();
      Map<String, Object> answer = client.get(FleetApi.events(service), query);
      List<Map<String, Object>> events = answer.get("events") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
      if (after == null && events.size() > last) {
        // The first answer starts the stream: only the --last N most recent events of it are old news worth showing.
        events = events.subList(events.size() - last, events.size());
      }
      if (answer.get("last") != null) {
        after = answer.get("last");
      } else if (after == null) {
        after = -1;
      }
      if (answer.get("missed") instanceof Number missed && missed.longValue() > 0 && !printer.isJson()) {
        printer.note("(" + missed + " events were overwritten before they could be read)");
      }
      for (Map<String, Object> event : events) {
        if (count != null && seen >= count) {
          break;
        }
        if (filter != null && !filter.matcher(String.valueOf(event.get("message") != null ? event.get("message") : event.get("data"))).find()) {
          continue;
        }
        seen++;
        printer.line(printer.isJson() ? Json.write(event) : formatServiceEvent(event));
      }
      long tookMillis = Duration.ofNanos(System.nanoTime() - asked).toMillis();
      if (events.isEmpty() && tookMillis < 200) {
        // The controller did not hold the poll: pace ourselves instead of asking in a tight loop.
        long pause = Math.min(idlePauseMillis, Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }
    }
    return 0;
  }

  /** Like {@link #format} with the change and the process (host:pid) that saw the event. */
  static String formatServiceEvent(Map<String, Object> event) {
    Object change = event.get("change") != null ? event.get("change") : event.get("probe");
    String process = event.get("host") != null && event.get("pid") != null ? event.get("host") + ":" + event.get("pid")
        : String.valueOf(event.get("process"));
    String head = event.get("time") + " " + change + " " + process + " [" + event.get("thread") + "] " + event.get("method") + " "
        + event.get("at") + ": ";
    if (event.get("message") != null) {
      return head + event.get("message");
    }
    return head + Json.writePretty(event.get("data"));
  }

  private static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new CliException(ExitCode.USAGE, "USAGE", "--grep is not a valid regular expression: "
          + e.getDescription(), "quote it for the shell");
    }
  }

  static String format(Map<String, Object> event) {
    String head = event.get("time") + " " + event.get("probe") + " [" + event.get("thread") + "] " + event.get("method") + " "
        + event.get("at") + ": ";
    if (event.get("message") != null) {
      return head + event.get("message");
    }
    return head + Json.writePretty(event.get("data"));
  }
}
