package dev.jlive.agent.fleet;

import dev.jlive.agent.AgentContext;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.inspect.MethodListing;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.LedgerEntry;
import dev.jlive.protocol.event.EventsAnswer;
import dev.jlive.protocol.event.ProbeEvent;
import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.ClassQuestion;
import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.patch.PatchRequest;
import dev.jlive.protocol.probe.ProbeSpec;
import dev.jlive.protocol.shadow.ShadowRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fleet link's way into the agent: exactly the calls the endpoint's routes make. */
final class EngineTarget implements FleetTarget {
  private final AgentContext context;

  EngineTarget(AgentContext context) {
    this.context = context;
  }

  @Override
  public String apply(ChangeKind kind, Map<String, Object> spec, String author) {
    Map<String, Object> answer =
        switch (kind) {
          case PROBE -> context.probes().add(ProbeSpec.fromJson(spec), author).toJson();
          case PATCH -> context.patches().apply(PatchRequest.fromJson(spec), author).toJson();
          case SHADOW -> context.shadows().begin(ShadowRequest.fromJson(spec), author).toJson();
        };
    Object id = answer.get("id");
    if (id == null) {
      // A dry run answers without an id: nothing was changed, so nothing is kept either.
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the " + JsonObject.wireName(kind) + " changed nothing (a dry run?)",
          "send the change without dryRun");
    }
    return String.valueOf(id);
  }

  @Override
  public ClassAnswer answer(String process, ClassQuestion question) {
    Map<String, Object> classes = Map.of();
    Map<String, Object> methods = Map.of();
    try {
      if (question.pattern() != null) {
        classes =
            ClassSearch.find(context.instrumentation(), question.pattern(), question.limit())
                .toJson();
      }
    } catch (JLiveException refused) {
      classes = refused.toJson();
    }
    try {
      if (question.className() != null) {
        methods =
            MethodListing.list(context.instrumentation(), question.className(), null).toJson();
      }
    } catch (JLiveException refused) {
      methods = refused.toJson();
    }
    return new ClassAnswer(process, question.id(), classes, methods);
  }

  @Override
  public void revert(String localId, String why) {
    context.revert(localId, why);
  }

  @Override
  public String notLive(String localId) {
    if (context.shadows().has(localId)) {
      // A shadow that expired is still there, its report final: its state says it ended.
      return null;
    }
    LedgerEntry entry = context.ledger().find(localId);
    if (entry == null) {
      return "the agent has no change " + localId;
    }
    if (entry.state().isLive()) {
      return null;
    }
    return JsonObject.wireName(entry.kind())
        + " "
        + localId
        + " is "
        + JsonObject.wireName(entry.state())
        + (entry.reason() == null ? "" : ": " + entry.reason());
  }

  @Override
  public Map<String, Object> metrics(String localId) {
    LedgerEntry entry = context.ledger().find(localId);
    if (entry == null || entry.kind() != ChangeKind.PROBE) {
      return null;
    }
    try {
      List<ProbeMetrics> probes = context.probes().metrics(localId).probes();
      return probes.isEmpty() ? null : probes.get(0).toJson();
    } catch (JLiveException removed) {
      return null;
    }
  }

  @Override
  public Map<String, Object> shadowReport(String localId) {
    return context.shadows().has(localId) ? context.shadows().report(localId).toJson() : null;
  }

  @Override
  public long nextEventSequence() {
    return context.probes().nextEventSequence();
  }

  @Override
  public Events events(long after, int limit) {
    EventsAnswer answer = context.probes().events(after, null, limit);
    List<Map<String, Object>> events = new ArrayList<>();
    for (ProbeEvent event : answer.events()) {
      events.add(event.toJson());
    }
    return new Events(events, answer.last());
  }
}
