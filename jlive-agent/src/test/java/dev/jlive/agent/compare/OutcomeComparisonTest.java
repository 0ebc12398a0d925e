package dev.jlive.agent.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeComparisonTest {
  /** No equals of its own: compared field by field. */
  static final class Line {
    final String sku;
    final long cents;
    final int[] parts;
    Line next;

    Line(String sku, long cents, int... parts) {
      this.sku = sku;
      this.cents = cents;
      this.parts = parts;
    }
  }

  /** An equals that says every two are equal: the class's own equals decides. */
  static final class Lenient {
    final int value;

    Lenient(int value) {
      this.value = value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Lenient;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  record Money(long cents) {}

  @Test
  void equalStructuresAreEqualAndADifferenceIsNamedByItsPath() {
    assertThat(
            OutcomeComparison.compareValues(new Line("a", 100, 1, 2), new Line("a", 100, 1, 2))
                .equal())
        .isTrue();
    OutcomeComparison.Result result =
        OutcomeComparison.compareValues(new Line("a", 100, 1, 2), new Line("a", 90, 1, 3));
    assertThat(result.equal()).isFalse();
    assertThat(result.differences().stream().map(Difference::describe))
        .containsExactly(".cents: 100 vs 90", ".parts[1]: 2 vs 3");
  }

  @Test
  void aClassesOwnEqualsDecides() {
    assertThat(OutcomeComparison.compareValues(new Lenient(1), new Lenient(2)).equal()).isTrue();
    assertThat(OutcomeComparison.compareValues(new Money(5), new Money(5)).equal()).isTrue();
    assertThat(OutcomeComparison.compareValues(new Money(5), new Money(6)).equal()).isFalse();
    assertThat(OutcomeComparison.compareValues(List.of(1, 2), List.of(1, 2)).equal()).isTrue();
  }

  @Test
  void exceptionsCompareByTypeAndMessage() {
    Outcome one = Outcome.threw(new IllegalStateException("empty cart"));
    assertThat(
            OutcomeComparison.compare(one, Outcome.threw(new IllegalStateException("empty cart")))
                .equal())
        .isTrue();
    assertThat(
            OutcomeComparison.compare(one, Outcome.threw(new IllegalStateException("full")))
                .equal())
        .isFalse();
    OutcomeComparison.Result versusValue = OutcomeComparison.compare(one, Outcome.returned(3L));
    assertThat(versusValue.differences().get(0).describe())
        .isEqualTo("value: threw java.lang.IllegalStateException: empty cart vs returned 3");
  }

  @Test
  void cyclesEndAndBoundsLeaveItUndecidedNotEqual() {
    Line one = new Line("a", 1);
    one.next = one;
    Line two = new Line("a", 1);
    two.next = two;
    assertThat(OutcomeComparison.compareValues(one, two).equal()).isTrue();

    Line longOne = chain(OutcomeComparison.MAX_DEPTH + 5);
    Line longTwo = chain(OutcomeComparison.MAX_DEPTH + 5);
    OutcomeComparison.Result cut = OutcomeComparison.compareValues(longOne, longTwo);
    assertThat(cut.equal()).isFalse();
    assertThat(cut.decided()).isFalse();
    assertThat(cut.undecided()).contains("bound");
    // Control: the same chain within the bound is equal.
    assertThat(OutcomeComparison.compareValues(chain(3), chain(3)).equal()).isTrue();
  }

  private static Line chain(int length) {
    Line head = new Line("x", 0);
    Line tail = head;
    for (int i = 0; i < length; i++) {
      tail.next = new Line("x", i);
      tail = tail.next;
    }
    return head;
  }
}
