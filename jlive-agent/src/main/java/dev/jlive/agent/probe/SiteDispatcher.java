package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The dispatcher of one probe site, which its woven code reads from a linked call site ({@link
 * JLiveBridge#probeDispatcher}, {@link LinkedDispatcherCall}). The calls made on every call of the
 * method (entry, timed exit, admission) go to the site it holds, with no lookup by slot: the call
 * site is a constant to C2, so the woven code reaches the probe's path with one field read. Every
 * other call goes to the agent's dispatcher by slot, as from the bridge.
 */
final class SiteDispatcher extends JLiveBridge.Dispatcher {
  private final ProbeDispatcher owner;
  private final ProbeSite site;

  SiteDispatcher(ProbeDispatcher owner, ProbeSite site) {
    this.owner = owner;
    this.site = site;
  }

  @Override
  public long timedEnter(int probe) {
    return owner.timedEnter(site);
  }

  @Override
  public void timedExit(int probe, long token, Throwable thrown) {
    owner.timedExit(site, token, thrown);
  }

  @Override
  public long admit(int probe) {
    return owner.admit(site);
  }

  @Override
  public long enter(int probe, Object self, Object[] args) {
    return owner.enter(probe, self, args);
  }

  @Override
  public void exit(
      int probe, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    owner.exit(probe, token, self, args, returned, thrown);
  }

  @Override
  public void enterAdmitted(int probe, long token, Object self, Object[] args) {
    owner.enterAdmitted(probe, token, self, args);
  }

  @Override
  public CallSite conditionSite(int probe, MethodType type) {
    return owner.conditionSite(probe, type);
  }

  @Override
  public void conditionFailed(int probe, Throwable failure, Object self, Object[] args) {
    owner.conditionFailed(probe, failure, self, args);
  }

  @Override
  public void partEnter(int probe, int part) {
    owner.partEnter(probe, part);
  }

  @Override
  public void partExit(int probe, int part) {
    owner.partExit(probe, part);
  }

  @Override
  public Object gateEnter(int gate, int method, int version) {
    return owner.gateEnter(gate, method, version);
  }

  @Override
  public void gateExit(int gate) {
    owner.gateExit(gate);
  }

  @Override
  public long shadowAdmit(int shadowSite) {
    return owner.shadowAdmit(shadowSite);
  }

  @Override
  public void shadowExit(
      int shadowSite, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    owner.shadowExit(shadowSite, token, self, args, returned, thrown);
  }

  @Override
  public CallSite probeDispatcher(int probe) {
    return owner.probeDispatcher(probe);
  }

  @Override
  public List<String> childCommand(List<String> command) {
    return owner.childCommand(command);
  }
}
