package dev.jlive.agent.probe;

import dev.jlive.bridge.JLiveBridge;
import dev.jlive.protocol.probe.ProbeSpec;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The dispatcher of one probe site, which its woven code reads from a linked call site ({@link
 * JLiveBridge#probeDispatcher}, {@link LinkedDispatcherCall}). The calls made on every call of the
 * method (entry, timed exit, admission) go to the site and the probe's {@link CallPlan} it holds,
 * with no lookup by slot. Every other call goes to the agent's dispatcher by slot, as from the
 * bridge.
 *
 * <p>The code is here, the fields in {@link SiteConstants}, which {@link SiteDispatchers} defines
 * as a hidden class: C2 takes the final fields of a hidden class as constants where the object is
 * one, and the call site makes it one in the probed method's compiled code. So the site, the plan
 * and what the plan holds are constants there, and the per-call checks on them fold away. The code
 * stays in this ordinary class and the hidden class holds only the fields: in the first try, with
 * the code in the hidden class too, C2 left the probe's path as a call (the size rule below may
 * have been the whole cause; this way does not depend on it).
 */
abstract class SiteDispatcher extends JLiveBridge.Dispatcher {
  /** The agent's dispatcher, for every call but the per-call ones. */
  abstract ProbeDispatcher owner();

  /** The site, or null for a dispatcher of no site (which counts nothing and answers 0). */
  abstract ProbeSite site();

  /** The site's probe's plan, or null for no site. */
  abstract CallPlan plan();

  /*
   * The three calls made on every call of a probed method. Each is written out here, not one call
   * on to the agent's dispatcher, and each is over 35 bytes of bytecode on purpose: so C1 does not
   * inline it into the probed method, runs it on its own, and profiles the calls it makes; C2 then
   * finds those calls hot and inlines them into the probed method. Inlined by C1, they kept almost
   * no profile, and C2 left calls such as CallPlan.hit as calls (docs/BENCHMARKS.md, section 53).
   * SiteDispatcherShapeTest holds them to that size.
   */

  @Override
  public long timedEnter(int probe) {
    CallPlan plan = plan();
    ThreadCells.Cell cell = plan == null ? null : plan.hit();
    if (cell == null || plan.kind() == ProbeSpec.Kind.COUNT) {
      return 0L;
    }
    return owner().afterHit(plan, cell);
  }

  @Override
  public void timedExit(int probe, long token, Throwable thrown) {
    CallPlan plan = plan();
    if (plan != null && token != 0L && (token != ProbeDispatcher.UNTIMED || thrown != null)) {
      owner().exitCounted(plan, token, thrown);
    }
  }

  @Override
  public long admit(int probe) {
    CallPlan plan = plan();
    ThreadCells.Cell cell = plan == null ? null : plan.hit();
    if (cell == null || plan.kind() == ProbeSpec.Kind.COUNT) {
      return 0L;
    }
    return owner().admitCounted(site(), plan, cell);
  }

  /*
   * A Kotlin suspend function's entry and exit (ProbeAdvice.SuspendEntry, SuspendTimed): on to the
   * agent's dispatcher with the site, no lookup by slot.
   */

  @Override
  public long suspendEnter(int probe, Object continuation) {
    return owner().suspendEnter(site(), continuation);
  }

  @Override
  public void suspendExit(
      int probe, long token, Object continuation, Object returned, Throwable thrown) {
    owner().suspendExit(site(), token, continuation, returned, thrown);
  }

  @Override
  public long enter(int probe, Object self, Object[] args) {
    return owner().enter(probe, self, args);
  }

  @Override
  public void exit(
      int probe, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    owner().exit(probe, token, self, args, returned, thrown);
  }

  @Override
  public void enterAdmitted(int probe, long token, Object self, Object[] args) {
    owner().enterAdmitted(probe, token, self, args);
  }

  @Override
  public CallSite conditionSite(int probe, MethodType type) {
    return owner().conditionSite(probe, type);
  }

  @Override
  public void conditionFailed(int probe, Throwable failure, Object self, Object[] args) {
    owner().conditionFailed(probe, failure, self, args);
  }

  @Override
  public void partEnter(int probe, int part) {
    owner().partEnter(probe, part);
  }

  @Override
  public void partExit(int probe, int part) {
    owner().partExit(probe, part);
  }

  @Override
  public Object gateEnter(int gate, int method, int version) {
    return owner().gateEnter(gate, method, version);
  }

  @Override
  public void gateExit(int gate) {
    owner().gateExit(gate);
  }

  @Override
  public long shadowAdmit(int shadowSite) {
    return owner().shadowAdmit(shadowSite);
  }

  @Override
  public void shadowExit(
      int shadowSite, long token, Object self, Object[] args, Object returned, Throwable thrown) {
    owner().shadowExit(shadowSite, token, self, args, returned, thrown);
  }

  @Override
  public CallSite probeDispatcher(int probe) {
    return owner().probeDispatcher(probe);
  }

  @Override
  public List<String> childCommand(List<String> command) {
    return owner().childCommand(command);
  }
}
