package dev.jlive.controller.ui;

import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.fleet.ClassAnswer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The selector check's listings on the controller: the service's processes are asked over their
 * long polls ({@link AgentSessions#askClasses}) and their answers merged: the classes any of them
 * has loaded, the methods of the class wherever it is loaded, and how many have it.
 */
public final class FleetListings implements SelectorCheck.Listings {
  /**
   * How long a check waits for the processes to answer: a parked poll answers in milliseconds; a
   * process busy applying a patch is left out rather than keep its user typing blind.
   */
  static final long WAIT_MILLIS = 1_000;

  private final AgentSessions agents;
  private final String service;
  private final int live;

  /**
   * @param live how many live processes the service has, at any controller
   */
  public FleetListings(AgentSessions agents, String service, int live) {
    this.agents = agents;
    this.service = service;
    this.live = live;
  }

  @Override
  public SelectorCheck.Listing list(
      String pattern, int limit, String className, boolean withMethods) {
    AgentSessions.Asked asked =
        agents.askClasses(service, pattern, limit, withMethods ? className : null, WAIT_MILLIS);
    if (asked.answers().isEmpty()) {
      return null;
    }
    TreeSet<String> classes = new TreeSet<>();
    Map<String, Map<String, Object>> methods = new LinkedHashMap<>();
    JLiveException methodsRefused = null;
    int loadedIn = 0;
    for (ClassAnswer answer : asked.answers()) {
      JLiveException classesRefused = JLiveException.fromJson(answer.classes());
      if (classesRefused != null) {
        throw classesRefused;
      }
      List<String> names = SelectorCheck.classNames(answer.classes());
      classes.addAll(names);
      JLiveException refused = withMethods ? JLiveException.fromJson(answer.methods()) : null;
      if (refused != null) {
        methodsRefused = refused;
      } else if (withMethods) {
        loadedIn++;
        for (Map<String, Object> method : SelectorCheck.methodList(answer.methods())) {
          methods.putIfAbsent(String.valueOf(method.get("signature")), method);
        }
      } else if (names.contains(className)) {
        loadedIn++;
      }
    }
    Map<String, Object> processes = new LinkedHashMap<>();
    processes.put("live", live);
    processes.put("asked", asked.asked());
    processes.put("answered", asked.answers().size());
    processes.put("loadedIn", loadedIn);
    return new SelectorCheck.Listing(
        new ArrayList<>(classes).subList(0, Math.min(limit, classes.size())),
        new ArrayList<>(methods.values()),
        loadedIn > 0 ? null : methodsRefused,
        processes);
  }
}
