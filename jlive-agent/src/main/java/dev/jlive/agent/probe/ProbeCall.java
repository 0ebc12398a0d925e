package dev.jlive.agent.probe;

import dev.jlive.protocol.probe.ProbeSpec;

/**
 * One call as a probe sees it at its point.
 *
 * @param self the receiver, null for static methods and constructor entries
 * @param returned the return value (boxed), null at entry, for void methods, or on exception
 * @param elapsedNanos time since entry, 0 at entry
 */
record ProbeCall(
    Object self,
    Object[] args,
    Object returned,
    Throwable thrown,
    long elapsedNanos,
    ProbeSpec.Point point) {}
