package dev.jlive.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetsTest {

  @Test
  void parsesAPositivePid() {
    assertThat(Targets.parsePid("4242")).isEqualTo(4242L);
    assertThat(Targets.parsePid(" 7 ")).isEqualTo(7L);
    assertThat(Targets.parsePid("9999999999")).isEqualTo(9_999_999_999L);
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(strings = {"abc", "0", "-5", "", "  ", "12x", "4.2", "99999999999999999999"})
  void rejectsWhatIsNotAProcessIdAsAUsageError(String text) {
    CliException e = catchThrowableOfType(CliException.class, () -> Targets.parsePid(text));

    assertThat(e).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE).isEqualTo(2);
    assertThat(e.code()).isEqualTo("USAGE");
    assertThat(e.getMessage()).isEqualTo("'" + text + "' is not a process id");
    assertThat(e.hint()).contains("jlive ps");
  }
}
