package dev.jlive.bench.overhead;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every probe scenario's state does around the measurement: report the probe after each
 * iteration (is it still on?) and remove it at the end. Subclasses add it in their own trial setup.
 * JMH runs the helper methods of a state's superclasses too.
 */
public abstract class ProbeState {
  protected ProbeControl control;

  @Setup(Level.Iteration)
  public void iterationStarts() throws IOException {
    control.iterationStarts();
  }

  @TearDown(Level.Iteration)
  public void iterationEnded() throws IOException {
    control.iterationEnded();
  }

  @TearDown(Level.Trial)
  public void remove() throws IOException {
    control.remove();
  }
}
