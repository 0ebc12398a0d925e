package dev.jlive.agent;

import java.lang.instrument.Instrumentation;
import java.time.Instant;

/**
 * What request handlers may use of the running agent.
 *
 * @param requestStop stops the agent after the current answer has been sent
 */
public record AgentContext(
    Instrumentation instrumentation, System.Logger log, String mode, Instant startedAt, Runnable requestStop) {}
