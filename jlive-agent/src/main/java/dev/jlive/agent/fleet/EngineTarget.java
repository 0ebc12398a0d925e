package dev.jlive.agent.fleet;

import dev.jlive.agent.AgentContext;
import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fleet link's way into the agent: exactly the calls the endpoint's routes make. */
final class EngineTarget implements FleetTarget {
  private final AgentContext context;

  EngineTarget(AgentContext context) {
    this.context = context;
  }

  @Override
  public String apply(String kind, Map<String, Object> spec, String author) {
    Map<String, Object> answer = switch (kind) {
      case "probe" -> context.probes().add(ProbeSpec.fromJson(spec), author);
      case "patch" -> context.patches().apply(PatchRequest.fromJson(spec), author);
      default -> throw new JLiveException(ErrorCode.BAD_REQUEST, "unknown change kind '" + kind + "'",
          "this agent applies probes and patches; a newer controller may need a newer agent");
    };
    Object id = answer.get("id");
    if (id == null) {
      // A dry run answers without an id: nothing was changed, so nothing is kept either.
      throw new JLiveException(ErrorCode.BAD_REQUEST, "the " + kind + " changed nothing (a dry run?)",
          "send the change without dryRun");
    }
    return String.valueOf(id);
  }

  @Override
  public void revert(String localId, String why) {
    context.revert(localId, why);
  }

  @Override
  public String notLive(String localId) {
    ChangeLedger.Entry entry = context.ledger().find(localId);
    if (entry == null) {
      return "the agent has no change " + localId;
    }
    if (entry.state() == ChangeLedger.State.ACTIVE || entry.state() == ChangeLedger.State.WAITING) {
      return null;
    }
    return entry.kind() + " " + localId + " is " + entry.state().name().toLowerCase(Locale.ROOT)
        + (entry.reason() == null ? "" : ": " + entry.reason());
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Object> metrics(String localId) {
    ChangeLedger.Entry entry = context.ledger().find(localId);
    if (entry == null || !entry.kind().equals("probe")) {
      return null;
    }
    try {
      List<Object> probes = (List<Object>) context.probes().metrics(localId).get("probes");
      return probes.isEmpty() ? null : (Map<String, Object>) probes.get(0);
    } catch (JLiveException removed) {
      return null;
    }
  }

  @Override
  public long nextEventSequence() {
    return context.probes().nextEventSequence();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Events events(long after, int limit) {
    Map<String, Object> answer = context.probes().events(after, null, limit);
    List<Map<String, Object>> events = new ArrayList<>();
    for (Object event : (List<Object>) answer.get("events")) {
      events.add((Map<String, Object>) event);
    }
    return new Events(events, ((Number) answer.get("last")).longValue());
  }
}
