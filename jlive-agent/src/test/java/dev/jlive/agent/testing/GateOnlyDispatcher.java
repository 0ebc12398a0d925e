package dev.jlive.agent.testing;

import dev.jlive.bridge.JLiveBridge;

/**
 * A dispatcher for tests of woven gates and bodies: probe calls do nothing, and the test says what
 * the gate's calls do.
 */
public abstract class GateOnlyDispatcher extends JLiveBridge.Dispatcher {
  @Override
  public long timedEnter(int probe) {
    return 0L;
  }

  @Override
  public void timedExit(int probe, long token, Throwable thrown) {}

  @Override
  public long enter(int probe, Object self, Object[] args) {
    return 0L;
  }

  @Override
  public void exit(
      int probe, long token, Object self, Object[] args, Object returned, Throwable thrown) {}
}
