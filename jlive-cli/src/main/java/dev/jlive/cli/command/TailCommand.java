package dev.jlive.cli.command;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.cli.client.ControllerClient;
import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.event.EventsAnswer;
import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.event.ServiceEvent;
import dev.jlive.protocol.event.ServiceEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "tail",
    description = {
      "Follow probe events (log lines and snapshots) as they happen, of one probe or all.",
      "With --service NAME: the events of every process of the service, merged, each naming its process."
    })
public final class TailCommand extends ServiceCommand {
  private static final int WAIT_MILLIS = 2_000;

  /**
   * With --service: an answer without events that came back sooner than this is followed by a
   * pause.
   */
  static volatile long idlePauseMillis = 1_000;

  @Parameters(
      arity = "0..2",
      paramLabel = "[PID] [ID]",
      description =
          "The JVM's process id (unless --host or --service) and optionally a probe (or change) id.")
  List<String> positionals;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  Integer count;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Stop after this long, e.g. 30s (default: follow until interrupted).")
  String timeout;

  @Option(
      names = "--grep",
      paramLabel = "REGEX",
      description = "Only events whose message (or snapshot) matches REGEX.")
  String grep;

  @Option(
      names = "--last",
      paramLabel = "N",
      defaultValue = "0",
      description = "Start with the N most recent events (default ${DEFAULT-VALUE}).")
  int last;

  @Override
  public Integer call() {
    if (onService()) {
      return tailService();
    }
    refuseFleetOptions(null, null, null);
    Connected connected = connectWithOptionalId(positionals);
    String probe = connected.optionalId();
    long deadline =
        timeout == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
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
      EventsAnswer answer;
      try {
        answer = EventsAnswer.fromWire(connected.client().get(Api.EVENTS, query));
      } catch (CliException e) {
        if (Thread.currentThread().isInterrupted()) {
          // Ctrl-C in `jlive shell` interrupts the wait: the tail ends there, as it was asked to.
          return 0;
        }
        throw e;
      }
      after = answer.last();
      if (answer.missed() > 0 && !printer.isJson()) {
        printer.note("(" + answer.missed() + " events were overwritten before they could be read)");
      }
      for (ProbeEvent event : answer.events()) {
        if (count != null && seen >= count) {
          break;
        }
        if (filter != null && !filter.matcher(searched(event)).find()) {
          continue;
        }
        seen++;
        printer.line(printer.isJson() ? Json.write(event.toJson()) : format(event));
      }
    }
    return 0;
  }

  /**
   * --service: polls the controller's merged event stream with after=the time of the last event
   * seen.
   */
  private int tailService() {
    List<String> args = serviceArgs(positionals, 0, 1, "[ID]");
    String service = fleet.service();
    long deadline =
        timeout == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
    Pattern filter = grep == null ? null : compile(grep);
    ControllerClient client = controller();
    Printer printer = printer();
    Long after = null;
    int seen = 0;
    while (System.nanoTime() < deadline && (count == null || seen < count)) {
      Map<String, String> query = new HashMap<>();
      query.put("change", args.isEmpty() ? null : args.get(0));
      if (after == null) {
        query.put("last", Integer.toString(last));
      } else {
        query.put("after", String.valueOf(after));
      }
      long remainingMillis = Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
      query.put("waitMillis", Long.toString(Math.min(WAIT_MILLIS, remainingMillis)));
      long asked = System.nanoTime();
      ServiceEvents answer;
      try {
        answer = ServiceEvents.fromWire(client.get(FleetApi.events(service), query));
      } catch (CliException e) {
        if (Thread.currentThread().isInterrupted()) {
          return 0;
        }
        throw e;
      }
      List<ServiceEvent> events = answer.events();
      if (after == null && events.size() > last) {
        // The first answer starts the stream: only the --last N most recent events of it are old
        // news worth showing.
        events = events.subList(events.size() - last, events.size());
      }
      after = answer.last();
      for (ServiceEvent event : events) {
        if (count != null && seen >= count) {
          break;
        }
        if (filter != null && !filter.matcher(searched(event.event().event())).find()) {
          continue;
        }
        seen++;
        printer.line(printer.isJson() ? Json.write(event.toJson()) : formatServiceEvent(event));
      }
      long tookMillis = Duration.ofNanos(System.nanoTime() - asked).toMillis();
      if (events.isEmpty() && tookMillis < 200) {
        // The controller did not hold the poll: pace ourselves instead of asking in a tight loop.
        long pause =
            Math.min(
                idlePauseMillis,
                Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
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
  static String formatServiceEvent(ServiceEvent located) {
    ProbeEvent event = located.event().event();
    String process =
        located.host() != null && located.pid() != null
            ? located.host() + ":" + located.pid()
            : located.process();
    return line(event, located.event().change() + " " + process);
  }

  private static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--grep is not a valid regular expression: " + e.getDescription(),
          "quote it for the shell");
    }
  }

  static String format(ProbeEvent event) {
    return line(event, event.probe());
  }

  private static String line(ProbeEvent event, String source) {
    String head =
        event.time()
            + " "
            + source
            + " ["
            + event.thread()
            + "] "
            + event.method()
            + " "
            + event.point()
            + ": ";
    if (event.message() != null) {
      return head + event.message();
    }
    return head + Json.writePretty(event.data());
  }

  /** What --grep looks in: the log line, or the snapshot as JSON. */
  private static String searched(ProbeEvent event) {
    return event.message() != null ? event.message() : String.valueOf(event.data());
  }
}
