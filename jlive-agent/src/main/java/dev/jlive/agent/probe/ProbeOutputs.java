package dev.jlive.agent.probe;

import dev.jlive.protocol.event.ProbeEvent;

/**
 * Sends each probe event where engineers already look, besides jlive's own event log: log lines to
 * the application's logger, every event to JFR when a recording runs.
 */
final class ProbeOutputs implements ProbeOutput {
  private final ApplicationLoggers loggers;
  private final JfrOutput jfr = new JfrOutput();

  ProbeOutputs(System.Logger log) {
    this.loggers = new ApplicationLoggers(log);
  }

  @Override
  public void publish(ProbeSite site, ProbeEvent event) {
    if (event.message() != null && site.probe().spec.appLog()) {
      loggers.write(site, event);
    }
    jfr.publish(site, event);
  }

  void close() {
    loggers.clear();
    jfr.close();
  }
}
