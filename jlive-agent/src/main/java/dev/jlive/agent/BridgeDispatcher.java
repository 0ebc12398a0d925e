package dev.jlive.agent;

import dev.jlive.agent.probe.ProbeDispatcher;
import dev.jlive.agent.safepoint.Gates;
import dev.jlive.agent.shadow.ShadowEngine;
import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The bridge's one dispatcher, owned by the {@link Agent}: probe calls go to the probe engine, gate
 * calls to the safe-point gates, shadow calls to the shadow engine, {@code ProcessBuilder} commands
 * to the child-JVM rewriter. The agent installs it before any engine starts and clears it only
 * after every engine stopped, so the gates keep counting callers while the patches are reverted at
 * their safe points.
 */
final class BridgeDispatcher extends JLiveBridge.Dispatcher {
  private final ProbeDispatcher probes;
  private final Gates gates;
  private final ShadowEngine shadows;

  /** Null when this JVM is not linked to a controller. */
  private volatile UnaryOperator<List<String>> childCommands;

  BridgeDispatcher(ProbeDispatcher probes, Gates gates, ShadowEngine shadows) {
    this.probes = probes;
    this.gates = gates;
    this.shadows = shadows;
  }

  void routeChildCommands(UnaryOperator<List<String>> next) {
    childCommands = next;
  }

  @Override
  public long timedEnter(int probe) {
    return probes.timedEnter(probe);
  }

  @Override
  public void timedExit(int probe, long token, Throwable thrown) {
    probes.timedExit(probe, token, thrown);
  }

  @Override
  public long admit(int probe) {
    return probes.admit(probe);
  }

  @Override
  public void enterAdmitted(int probe, long token, Object self, Object[] args) {
    probes.enterAdmitted(probe, token, self, args);
  }

  @Override
  public long enter(int probe, Object self, Object[] args) {
    return probes.enter(probe, self, args);
  }

  @Override
  public void exit(
      int probe, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    probes.exit(probe, token, self, args, returned, thrown);
  }

  @Override
  public CallSite conditionSite(int probe, MethodType type) {
    return probes.conditionSite(probe, type);
  }

  @Override
  public void conditionFailed(int probe, Throwable failure, Object self, Object[] args) {
    probes.conditionFailed(probe, failure, self, args);
  }

  @Override
  public void partEnter(int probe, int part) {
    probes.partEnter(probe, part);
  }

  @Override
  public void partExit(int probe, int part) {
    probes.partExit(probe, part);
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
