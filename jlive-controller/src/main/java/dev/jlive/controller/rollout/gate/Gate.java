package dev.jlive.controller.rollout.gate;

import dev.jlive.controller.rollout.gate.Term.Binary;
import dev.jlive.controller.rollout.gate.Term.Control;
import dev.jlive.controller.rollout.gate.Term.Dimension;
import dev.jlive.controller.rollout.gate.Term.Figures;
import dev.jlive.controller.rollout.gate.Term.Group;
import dev.jlive.controller.rollout.gate.Term.Literal;
import dev.jlive.controller.rollout.gate.Term.Read;
import dev.jlive.controller.rollout.gate.Term.ShadowRead;
import dev.jlive.protocol.JLiveException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One health gate of a rollout: a comparison of live figures, judged at the end of a wave's bake
 * with the canary (the processes on the new code) against the control group (those still on the old
 * code) over the same window. {@code p99 <= 1.2 * control + 2ms} holds when the canary's p99 is at
 * most 1.2 times the control group's plus two milliseconds.
 *
 * <p>Bare metrics read the rollout's automatic probe on the changed methods; {@code
 * probe:cN.METRIC} reads any metrics probe of the service. The grammar is in {@link GateParser}; it
 * is a small language of its own, never evaluated as code.
 */
public final class Gate {
  /** A gate's comparison, with its opposite to say how a failed gate failed. */
  enum Comparison {
    LESS_OR_EQUAL("<=", ">"),
    GREATER_OR_EQUAL(">=", "<"),
    EQUAL("==", "!="),
    LESS("<", ">="),
    GREATER(">", "<=");

    /** Two-character symbols first, so that {@code <=} is not read as {@code <}. */
    static final List<Comparison> LONGEST_FIRST = List.of(values());

    private final String symbol;
    private final String opposite;

    Comparison(String symbol, String opposite) {
      this.symbol = symbol;
      this.opposite = opposite;
    }

    String symbol() {
      return symbol;
    }

    boolean holds(double left, double right) {
      return switch (this) {
        case LESS_OR_EQUAL -> left <= right;
        case GREATER_OR_EQUAL -> left >= right;
        case EQUAL -> left == right;
        case LESS -> left < right;
        case GREATER -> left > right;
      };
    }
  }

  private final String text;
  private final Term left;
  private final Comparison comparison;
  private final Term right;

  Gate(String text, Term left, Comparison comparison, Term right) {
    this.text = text;
    this.left = left;
    this.comparison = comparison;
    this.right = right;
  }

  /**
   * Reads a gate as a user wrote it ({@code --gate}).
   *
   * @throws JLiveException {@code BAD_REQUEST} saying what is wrong, at which character (from 1),
   *     with the valid forms as its hint
   */
  public static Gate parse(String text) {
    return GateParser.parse(text);
  }

  /** The gate as written. */
  public String text() {
    return text;
  }

  /** Whether it compares with the control group ({@code control}). */
  public boolean readsControl() {
    return reads().stream().anyMatch(read -> read.group() == Group.CONTROL);
  }

  /** Whether it reads bare metrics, which are the automatic probe of a patch rollout. */
  public boolean readsAutomaticProbe() {
    return reads().stream().anyMatch(read -> read.read().probe() == null);
  }

  /**
   * Whether it reads the shadow that runs before the first wave ({@code shadow.unexpected}): such a
   * gate is judged there, on the shadow's merged report, and not at the waves.
   */
  public boolean readsShadow() {
    return readsShadow(left) || readsShadow(right);
  }

  private static boolean readsShadow(Term term) {
    return term instanceof ShadowRead
        || term instanceof Binary binary
            && (readsShadow(binary.left()) || readsShadow(binary.right()));
  }

  /** The fleet probes it names ({@code probe:c7.p99} names {@code c7}), in order. */
  public Set<String> probeIds() {
    Set<String> ids = new LinkedHashSet<>();
    for (GroupRead read : reads()) {
      if (read.read().probe() != null) {
        ids.add(read.read().probe());
      }
    }
    return ids;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A metric the gate reads, and over which group. */
  record GroupRead(Read read, Group group) {}

  List<GroupRead> reads() {
    List<GroupRead> reads = new ArrayList<>();
    collect(left, reads);
    collect(right, reads);
    return reads;
  }

  private static void collect(Term term, List<GroupRead> reads) {
    if (term instanceof Read read) {
      reads.add(new GroupRead(read, Group.CANARY));
    } else if (term instanceof Control control) {
      reads.add(new GroupRead(control.of(), Group.CONTROL));
    } else if (term instanceof Binary binary) {
      collect(binary.left(), reads);
      collect(binary.right(), reads);
    }
  }

  /**
   * The gate computed over a window's figures.
   *
   * @param canary the left side
   * @param control the control group's figure of the gate's metric; null when it reads none
   * @param limit the right side
   * @param explanation "p99 41.2 ms > 1.2 × control 18.0 ms + 2 ms = 23.6 ms"
   */
  record Evaluation(
      boolean holds, double canary, Double control, double limit, String explanation) {}

  /**
   * Computes both sides.
   *
   * @throws Term.CannotJudge when a figure is missing
   */
  Evaluation evaluate(Figures figures, String autoProbe) {
    double leftValue = left.value(figures, autoProbe);
    double rightValue = right.value(figures, autoProbe);
    boolean holds = comparison.holds(leftValue, rightValue);
    Double controlValue = null;
    for (GroupRead read : reads()) {
      if (read.group() == Group.CONTROL) {
        controlValue = read.read().valueOver(figures, Group.CONTROL, autoProbe);
        break;
      }
    }
    Unit unit = unit();
    Renderer renderer = new Renderer(figures, autoProbe, unit);
    String leftText =
        left instanceof Read || left instanceof ShadowRead
            ? renderer.render(left, false)
            : renderer.render(left, false) + " = " + unit.format(leftValue);
    String rightText =
        right instanceof Literal
            ? renderer.render(right, false)
            : renderer.render(right, false) + " = " + unit.format(rightValue);
    String explanation =
        leftText + " " + (holds ? comparison.symbol : comparison.opposite) + " " + rightText;
    return new Evaluation(holds, leftValue, controlValue, rightValue, explanation);
  }

  /** How the gate's figures are shown: milliseconds, a percentage for errors, or a number. */
  enum Unit {
    MILLIS,
    PERCENT,
    NUMBER;

    String format(double value) {
      return switch (this) {
        case MILLIS -> millis(value) + " ms";
        case PERCENT -> trimmed(String.format(Locale.ROOT, "%.3f", value * 100)) + "%";
        case NUMBER ->
            value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%,d", (long) value)
                : trimmed(String.format(Locale.ROOT, "%.4f", value));
      };
    }

    /** An amount the user wrote: as few digits as it needs ({@code 2 ms}, not {@code 2.0 ms}). */
    String formatAmount(double value) {
      return this == MILLIS
          ? trimmed(String.format(Locale.ROOT, "%.3f", value)) + " ms"
          : format(value);
    }

    private static String millis(double value) {
      double magnitude = Math.abs(value);
      String format = magnitude >= 100 ? "%.0f" : magnitude >= 1 ? "%.1f" : "%.3f";
      return String.format(Locale.ROOT, format, value);
    }

    private static String trimmed(String decimal) {
      return decimal.contains(".") ? decimal.replaceAll("0+$", "").replaceAll("\\.$", "") : decimal;
    }
  }

  Unit unit() {
    if (left.dimension() == Dimension.DURATION) {
      return Unit.MILLIS;
    }
    List<GroupRead> reads = reads();
    boolean allErrors =
        !reads.isEmpty() && reads.stream().allMatch(read -> read.read().metric() == Metric.ERRORS);
    return allErrors ? Unit.PERCENT : Unit.NUMBER;
  }

  /** Writes an expression back with the figures it read. */
  private record Renderer(Figures figures, String autoProbe, Unit unit) {
    String render(Term term, boolean factor) {
      if (term instanceof Literal literal) {
        // A factor (1.2 in 1.2 * control) is shown as written; an amount in the gate's unit.
        if (factor || literal.dimension() == Dimension.DURATION && unit != Unit.MILLIS) {
          return literal.written();
        }
        return unit.formatAmount(literal.value());
      }
      if (term instanceof Read read) {
        return read.written() + " " + unit.format(read.value(figures, autoProbe));
      }
      if (term instanceof Control control) {
        return "control " + unit.format(control.value(figures, autoProbe));
      }
      if (term instanceof ShadowRead shadow) {
        return shadow.written() + " " + unit.format(shadow.value(figures, autoProbe));
      }
      Binary binary = (Binary) term;
      boolean multiply = binary.operator() == '*';
      String symbol = multiply ? " × " : " " + binary.operator() + " ";
      return operand(binary.left(), multiply, false)
          + symbol
          + operand(binary.right(), multiply, binary.operator() == '-');
    }

    private String operand(Term term, boolean ofProduct, boolean afterMinus) {
      String text = render(term, ofProduct);
      boolean sum = term instanceof Binary binary && binary.operator() != '*';
      return sum && (ofProduct || afterMinus) ? "(" + text + ")" : text;
    }
  }
}
