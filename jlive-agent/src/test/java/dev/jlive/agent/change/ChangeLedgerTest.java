package dev.jlive.agent.change;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jlive.protocol.change.ChangeKind;
import dev.jlive.protocol.change.LedgerState;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/**
 * The history keeps every live change and the newest finished ones: a service changed for weeks
 * keeps a bounded few.
 */
class ChangeLedgerTest {
  /** Quiet: a thousand changes would print two thousand lines. */
  private final System.Logger log =
      new System.Logger() {
        @Override
        public String getName() {
          return "quiet";
        }

        @Override
        public boolean isLoggable(Level level) {
          return false;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {}

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {}
      };

  @Test
  void manyChangesMadeAndTakenBackKeepOnlyTheNewestFinishedOnes() {
    ChangeLedger ledger = new ChangeLedger(log, 10);
    ledger.record("kept-live", ChangeKind.PATCH, "a patch that stays", "test", LedgerState.ACTIVE);
    for (int change = 0; change < 500; change++) {
      ledger.record("p" + change, ChangeKind.PROBE, "count Shop#work", "test", LedgerState.ACTIVE);
      ledger.update("p" + change, LedgerState.REMOVED, null);
    }
    assertThat(ledger.list()).hasSize(11);
    assertThat(ledger.find("kept-live")).isNotNull();
    assertThat(ledger.find("p499").state()).isEqualTo(LedgerState.REMOVED);
    assertThat(ledger.find("p490")).isNotNull();
    assertThat(ledger.find("p489")).isNull();
    assertThat(ledger.liveCount()).isEqualTo(1);
  }

  /** The negative control: below the bound nothing is dropped, as before. */
  @Test
  void belowTheBoundTheWholeHistoryStays() {
    ChangeLedger ledger = new ChangeLedger(log);
    for (int change = 0; change < 500; change++) {
      ledger.record("p" + change, ChangeKind.PROBE, "count Shop#work", "test", LedgerState.ACTIVE);
      ledger.update("p" + change, LedgerState.REMOVED, null);
    }
    assertThat(ledger.list()).hasSize(500);
  }
}
