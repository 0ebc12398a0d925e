package dev.jlive.bench.overhead;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The receivers, and the argument, varied so the JIT cannot fold the calls; shared by every
 * benchmark here.
 */
@State(Scope.Thread)
public class Input {
  final Target target = new Target();
  final Baseline baseline = new Baseline();
  int x;
}
