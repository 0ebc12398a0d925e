package dev.jlive.controller.rollout.gate;

import dev.jlive.protocol.metrics.ProbeMetrics;
import dev.jlive.protocol.shadow.ShadowReport;

/** A parsed piece of a gate's expression. */
sealed interface Term {

  /** What a term's value measures: the two may not be added or compared. */
  enum Dimension {
    /** Milliseconds. */
    DURATION,
    /** A count or a share. */
    NUMBER
  }

  Dimension dimension();

  /** Its first character in the gate, from 1. */
  int position();

  /** The group a gate's figures come from. */
  enum Group {
    CANARY,
    CONTROL
  }

  /** Where a term reads its figures: a probe's window metrics over a group; null when none. */
  interface Figures {
    ProbeMetrics of(String probe, Group group);

    /** The shadow's report merged over the processes; null when there is none. */
    default ShadowReport shadow() {
      return null;
    }
  }

  /** A term that could not be computed, and why (a latency of a probe that keeps none). */
  final class CannotJudge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CannotJudge(String why) {
      super(why);
    }
  }

  /**
   * The term's value; {@code probe} null is the rollout's automatic probe, named {@code auto}.
   *
   * @throws CannotJudge when a figure is missing
   */
  double value(Figures figures, String autoProbe);

  /** A number as written: durations already in milliseconds. */
  record Literal(double value, Dimension dimension, String written, int position) implements Term {
    @Override
    public double value(Figures figures, String autoProbe) {
      return value;
    }
  }

  /** A metric of a probe over the canary, or, read through {@link Control}, over control. */
  record Read(String probe, Metric metric, String exceptionType, String written, int position)
      implements Term {
    @Override
    public Dimension dimension() {
      return metric.isLatency() ? Dimension.DURATION : Dimension.NUMBER;
    }

    @Override
    public double value(Figures figures, String autoProbe) {
      return valueOver(figures, Group.CANARY, autoProbe);
    }

    String probeOr(String autoProbe) {
      return probe == null ? autoProbe : probe;
    }

    double valueOver(Figures figures, Group group, String autoProbe) {
      String id = probeOr(autoProbe);
      ProbeMetrics metrics = figures.of(id, group);
      if (metrics == null) {
        throw new CannotJudge("no process of the " + name(group) + " reported probe " + id);
      }
      Double figure = metric.of(metrics, exceptionType);
      if (figure == null) {
        throw new CannotJudge(
            "probe "
                + id
                + " is a "
                + metrics.kind()
                + " probe and keeps no latency histogram for "
                + written
                + "; read latencies from a metrics probe");
      }
      return figure;
    }
  }

  /** A figure of the shadow before the first wave ({@code shadow.unexpected}). */
  record ShadowRead(ShadowFigure figure, String written, int position) implements Term {
    @Override
    public Dimension dimension() {
      return Dimension.NUMBER;
    }

    @Override
    public double value(Figures figures, String autoProbe) {
      ShadowReport report = figures.shadow();
      if (report == null) {
        throw new CannotJudge(
            written + " reads the shadow that runs before the first wave, and there is none here");
      }
      return figure.of(report);
    }
  }

  /** {@code control}: the left side's metric over the control group. */
  record Control(Read of, int position) implements Term {
    @Override
    public Dimension dimension() {
      return of.dimension();
    }

    @Override
    public double value(Figures figures, String autoProbe) {
      return of.valueOver(figures, Group.CONTROL, autoProbe);
    }
  }

  /** {@code left OP right} for {@code +}, {@code -} and {@code *}. */
  record Binary(char operator, Term left, Term right, Dimension dimension) implements Term {
    @Override
    public int position() {
      return left.position();
    }

    @Override
    public double value(Figures figures, String autoProbe) {
      double a = left.value(figures, autoProbe);
      double b = right.value(figures, autoProbe);
      return switch (operator) {
        case '+' -> a + b;
        case '-' -> a - b;
        default -> a * b;
      };
    }
  }

  static String name(Group group) {
    return group == Group.CANARY ? "canary" : "control group";
  }
}
