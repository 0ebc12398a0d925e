package dev.jlive.agent.compile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemTest {
  @Test
  void formatsLikeJavac() {
    Problem problem =
        new Problem(Problem.Severity.ERROR, "com.acme.Cart", 12, 5, "cannot find symbol");

    assertThat(problem.format()).isEqualTo("com/acme/Cart.java:12:5: error: cannot find symbol");
  }

  @Test
  void leavesOutWhatIsNotKnown() {
    assertThat(new Problem(Problem.Severity.WARNING, "com.acme.Cart", -1, -1, "odd").format())
        .isEqualTo("com/acme/Cart.java: warning: odd");
    assertThat(
            new Problem(Problem.Severity.WARNING, null, -1, -1, "class path entry x was skipped")
                .format())
        .isEqualTo("warning: class path entry x was skipped");
  }
}
