package dev.jlive.agent.probe;

import dev.jlive.protocol.event.ProbeEvent;

/** Where a probe's events go besides the event log (the application's logger, JFR). */
interface ProbeOutput {
  void publish(ProbeSite site, ProbeEvent event);
}
