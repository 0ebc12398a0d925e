package dev.jlive.cli.ui;

import dev.jlive.cli.CliException;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.controller.fleet.ApprovalDiff;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.ui.PatchSourceLookup;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.change.Change;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.ChangeState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The patch view's diff and sources under {@code jlive ui PID}, from the one agent's recent source
 * patches: the same diff the controller shows, against the newest earlier patch of the same class
 * that is still active, else the source alone. A patch of class files, or one whose sources the
 * agent has dropped (it keeps the last few), has none to show.
 */
final class AgentPatchSources implements PatchSourceLookup {
  private final AgentClient agent;

  AgentPatchSources(AgentClient agent) {
    this.agent = agent;
  }

  @Override
  public ServiceChanges.PatchSources find(String service, String id) {
    try {
      return read(service, id);
    } catch (CliException e) {
      // The agent's refusal, or why it cannot be reached, as the API's error the stream expects.
      throw AgentListings.refusal(e);
    }
  }

  @SuppressWarnings("unchecked")
  private ServiceChanges.PatchSources read(String service, String id) {
    Map<String, Object> answer = agent.get(Api.PATCHES, Map.of("sources", "true"));
    if (!(answer.get("sources") instanceof List<?> kept)) {
      // An agent from before patch sources were kept.
      return null;
    }
    Map<String, Object> states = states();
    List<Change> earlier = new ArrayList<>();
    for (Object item : kept) {
      Map<String, Object> one = (Map<String, Object>) item;
      Map<String, Object> spec = (Map<String, Object>) one.get("spec");
      String keptId = String.valueOf(one.get("id"));
      if (keptId.equals(id)) {
        return new ServiceChanges.PatchSources(
            ApprovalDiff.of(patch(service, keptId, spec), earlier), spec);
      }
      if ("active".equals(states.get(keptId))) {
        earlier.add(patch(service, keptId, spec));
      }
    }
    return null;
  }

  /** Each change's state in the agent's ledger, by id. */
  private Map<String, Object> states() {
    Map<String, Object> states = new HashMap<>();
    if (agent.get(Api.CHANGES, Map.of()).get("changes") instanceof List<?> ledger) {
      for (Object entry : ledger) {
        if (entry instanceof Map<?, ?> row) {
          states.put(String.valueOf(row.get("id")), row.get("state"));
        }
      }
    }
    return states;
  }

  /** Only what the diff reads of a change: its id, kind and spec. */
  private static Change patch(String service, String id, Map<String, Object> spec) {
    return new Change(
        id,
        0,
        service,
        ChangeKind.PATCH,
        null,
        spec,
        Map.of(),
        null,
        null,
        null,
        ChangeState.ACTIVE,
        List.of(),
        null,
        null);
  }
}
