package dev.jlive.agent;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.probe.ProbeEngine;
import dev.jlive.agent.record.RecordEngine;
import dev.jlive.agent.shadow.ShadowEngine;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.LedgerEntry;
import java.lang.instrument.Instrumentation;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What request handlers (and the fleet link) may use of the running agent.
 *
 * @param requestStop stops the agent after the current answer has been sent
 * @param controller the controller link's state for {@code GET /v1/info}; null when the agent runs
 *     alone
 */
public record AgentContext(
    Instrumentation instrumentation,
    System.Logger log,
    String mode,
    Instant startedAt,
    ChangeLedger ledger,
    ProbeEngine probes,
    PatchEngine patches,
    ShadowEngine shadows,
    RecordEngine records,
    Runnable requestStop,
    Supplier<Map<String, Object>> controller) {

  /**
   * Takes back any change: the ledger knows whether it is a probe (removed) or a patch (reverted at
   * its safe point); a shadow run (not in the ledger: it changes no behaviour) is dropped.
   */
  public Map<String, Object> revert(String id, String why) {
    if (shadows.has(id)) {
      return shadows.drop(id, why).toJson();
    }
    LedgerEntry entry = ledger.find(id);
    if (entry == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "no change " + id,
          "`jlive changes` lists the changes and their ids");
    }
    return entry.kind() == ChangeKind.PATCH
        ? patches.revert(id, why, false).toJson()
        : probes.remove(id, why).toJson();
  }
}
