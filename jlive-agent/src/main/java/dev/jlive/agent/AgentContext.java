package dev.jlive.agent;

import dev.jlive.agent.change.ChangeLedger;
import dev.jlive.agent.patch.PatchEngine;
import dev.jlive.agent.probe.ProbeEngine;
import java.lang.instrument.Instrumentation;
import java.time.Instant;

/**
 * What request handlers may use of the running agent.
 *
 * @param requestStop stops the agent after the current answer has been sent
 */
public record AgentContext(Instrumentation instrumentation, System.Logger log, String mode, Instant startedAt,
    ChangeLedger ledger, ProbeEngine probes, PatchEngine patches, Runnable requestStop) {}
