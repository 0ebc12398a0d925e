package dev.jlive.agent.shadow;

import java.lang.invoke.MethodHandle;

/**
 * One shadowed method: where its exit advice is woven, and the copies its sampled calls run.
 *
 * @param slot the constant woven into the method's advice, the index in the engine's site table
 * @param candidate {@code (Object self, Object[] args) Object}: the candidate's body, beside
 * @param old the running body, copied beside the same way, for learning noise
 * @param expect {@code --expect} compiled for this method, or null
 */
record ShadowSite(
    Shadow shadow,
    int slot,
    Class<?> type,
    String name,
    String descriptor,
    String display,
    MethodHandle candidate,
    MethodHandle old,
    MethodHandle expect) {}
