package dev.jlive.agent;

import dev.jlive.agent.probe.ProbeDispatcher;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.shadow.ShadowEngine;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The bridge's one dispatcher, owned by the {@link Agent}: probe calls run in the {@link
 * ProbeDispatcher} it extends (no hop between, so that C2 inlines them into probed methods), gate
 * calls go to the safe-point gates, shadow calls to the shadow engine, {@code ProcessBuilder}
 * commands to the child-JVM rewriter. The agent installs it before any engine starts and clears it
 * only after every engine stopped, so the gates keep counting callers while the patches are
 * reverted at their safe points.
 */
final class BridgeDispatcher extends ProbeDispatcher {
  private final Gates gates;
  private final ShadowEngine shadows;

  /** Null when this JVM is not linked to a controller. */
  private volatile UnaryOperator<List<String>> childCommands;

  BridgeDispatcher(ProbeDispatcher.Wiring probes, Gates gates, ShadowEngine shadows) {
    super(probes);
    this.gates = gates;
    this.shadows = shadows;
  }

  void routeChildCommands(UnaryOperator<List<String>> next) {
    childCommands = next;
  }

  @Override
  public Object gateEnter(int gate, int method, int version) {
    return gates.enter(gate, method, version);
  }

  @Override
  public void gateExit(int gate) {
    gates.exit(gate);
  }

  @Override
  public long shadowAdmit(int site) {
    return shadows.admit(site);
  }

  @Override
  public void shadowExit(
      int site, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    shadows.exit(site, token, self, args, returned, thrown);
  }

  @Override
  public List<String> childCommand(List<String> command) {
    UnaryOperator<List<String>> target = childCommands;
    return target == null ? null : target.apply(command);
  }
}
