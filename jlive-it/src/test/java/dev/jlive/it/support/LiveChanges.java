package dev.jlive.it.support;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI calls the real-application tests make on one target process, each checked for success.
 */
@SuppressWarnings("unchecked")
public record LiveChanges(String pid) {

  public static LiveChanges of(TargetJvm app) {
    return new LiveChanges(Long.toString(app.pid()));
  }

  public void attach() {
    succeed("attach", pid);
  }

  /** {@code jlive probe add PID SELECTOR OPTIONS...}; returns the probe's id. */
  public String probe(String selector, String... options) {
    String[] args = new String[4 + options.length];
    args[0] = "probe";
    args[1] = "add";
    args[2] = pid;
    args[3] = selector;
    System.arraycopy(options, 0, args, 4, options.length);
    return succeed(args).stdout().split(" ")[1];
  }

  public void removeProbe(String id) {
    succeed("probe", "rm", pid, id);
  }

  /** The probe as {@code jlive probe list --json} shows it: state, reason, hits, failures... */
  public Map<String, Object> state(String id) {
    return ((List<Map<String, Object>>)
            succeed("probe", "list", pid, "--json").json().get("probes"))
        .stream().filter(probe -> probe.get("id").equals(id)).findFirst().orElseThrow();
  }

  public long hits(String id) {
    return ((Number) state(id).get("hits")).longValue();
  }

  /** The hits of several probes, read in one listing (so at nearly the same instant). */
  public long[] hits(String... ids) {
    List<Map<String, Object>> probes =
        (List<Map<String, Object>>) succeed("probe", "list", pid, "--json").json().get("probes");
    long[] hits = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      String id = ids[i];
      hits[i] =
          probes.stream()
              .filter(probe -> probe.get("id").equals(id))
              .mapToLong(probe -> ((Number) probe.get("hits")).longValue())
              .findFirst()
              .orElseThrow();
    }
    return hits;
  }

  /** The probe's numbers as {@code jlive metrics --json} shows them: calls, latency, exceptions. */
  public Map<String, Object> metrics(String id) {
    return ((List<Map<String, Object>>) succeed("metrics", pid, id, "--json").json().get("probes"))
        .get(0);
  }

  /** The probe's last {@code count} events, waiting up to 20 s for them. */
  public List<Map<String, Object>> tail(String id, int count) {
    CliRun run =
        succeed(
            "tail",
            pid,
            id,
            "--last",
            Integer.toString(count),
            "--count",
            Integer.toString(count),
            "--timeout",
            "20s",
            "--json");
    return Arrays.stream(run.stdout().split("\n"))
        .filter(line -> !line.isBlank())
        .map(Json::parseObject)
        .collect(Collectors.toList());
  }

  /** Reverts every active change, newest first. */
  public void revertAll() {
    List<Map<String, Object>> changes =
        (List<Map<String, Object>>) succeed("changes", pid, "--json").json().get("changes");
    for (int i = changes.size() - 1; i >= 0; i--) {
      Map<String, Object> change = changes.get(i);
      if (change.get("state").equals("active") && "patch".equals(change.get("kind"))) {
        succeed("revert", pid, (String) change.get("id"));
      }
    }
    succeed("probe", "rm", pid, "--all");
  }

  public static CliRun succeed(String... args) {
    CliRun run = jlive(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
    return run;
  }
}
