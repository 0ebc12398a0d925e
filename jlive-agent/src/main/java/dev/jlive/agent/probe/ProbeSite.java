package dev.jlive.agent.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * One method a probe is woven into. Its slot is the integer baked into the woven code and the index
 * into the dispatcher's table, so a call finds its probe with one array read.
 *
 * @param loader the loader of the probed class, whose logging framework log probes write to
 * @param template the probe's message resolved against this method's parameter names, or null
 * @param condition the compiled {@code --when} expression for this method, or null
 * @param localNames for a line probe, the names of the locals whose values come as arguments; else
 *     null
 * @param suspend for a Kotlin suspend function, what follows its calls across their fragments; else
 *     null
 */
record ProbeSite(
    int slot,
    Probe probe,
    ClassLoader loader,
    String method,
    Template template,
    ProbeExpression condition,
    List<String> localNames,
    KotlinSuspend suspend) {

  /** Every Java expression of the site that needs compiling: the condition and template values. */
  List<ProbeExpression> expressions() {
    List<ProbeExpression> all = new ArrayList<>();
    if (condition != null) {
      all.add(condition);
    }
    if (template != null) {
      all.addAll(template.expressions());
    }
    return all;
  }
}
