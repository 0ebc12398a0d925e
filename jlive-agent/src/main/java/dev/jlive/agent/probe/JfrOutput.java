package dev.jlive.agent.probe;

import dev.jlive.protocol.Json;
import dev.jlive.protocol.event.ProbeEvent;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Emits probe events as JFR events ({@code dev.jlive.ProbeEvent}), so a recording started with
 * {@code jcmd <pid> JFR.start} holds them next to the JVM's own events.
 *
 * <p>JFR is touched only once it is initialised (a recording was started at some point): until then
 * the event class is not even loaded. On stop the event type is unregistered, so JFR keeps no
 * reference into the agent's class loader.
 */
final class JfrOutput {
  private volatile boolean used;

  void publish(ProbeSite site, ProbeEvent event) {
    if (!FlightRecorder.isInitialized()) {
      return;
    }
    ProbeJfrEvent jfr = new ProbeJfrEvent();
    if (!jfr.isEnabled()) {
      return;
    }
    used = true;
    jfr.probe = event.probe();
    jfr.method = event.method();
    jfr.point = event.point();
    jfr.message = event.message() != null ? event.message() : Json.write(event.data());
    jfr.commit();
  }

  void close() {
    if (used) {
      FlightRecorder.unregister(ProbeJfrEvent.class);
    }
  }

  @Name("dev.jlive.ProbeEvent")
  @Label("jlive Probe Event")
  @Category("jlive")
  @Description("A log line or snapshot from a jlive probe")
  static final class ProbeJfrEvent extends Event {
    @Label("Probe")
    String probe;

    @Label("Method")
    String method;

    @Label("Point")
    String point;

    @Label("Message")
    String message;
  }
}
