package dev.jlive.protocol.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerAnswersTest {
  private static final Instant CREATED = Instant.parse("2026-12-01T17:00:00Z");

  @Test
  void ledgerRoundTrips() {
    String json =
        "{\"changes\":[{\"id\":\"p1\",\"kind\":\"probe\",\"description\":\"log com.acme.Cart#add\",\"author\":\"alice\","
            + "\"createdAt\":\"2026-12-01T17:00:00Z\",\"state\":\"disabled\",\"reason\":\"maxHits 10 reached\","
            + "\"updatedAt\":\"2026-12-01T17:00:01.500Z\"},{\"id\":\"x1\",\"kind\":\"patch\",\"description\":\"new code for Pricing#total\","
            + "\"author\":\"bob\",\"createdAt\":\"2026-12-01T17:00:02Z\",\"state\":\"active\",\"updatedAt\":\"2026-12-01T17:00:02Z\"}]}";
    assertThat(Json.write(Ledger.fromWire(Json.parse(json)).toJson())).isEqualTo(json);
  }

  @Test
  void anUpdateMovesTheStateAndKeepsTheRest() {
    LedgerEntry created =
        LedgerEntry.created("x1", ChangeKind.PATCH, "new code", "bob", LedgerState.ACTIVE, CREATED);
    LedgerEntry reverted =
        created.movedTo(LedgerState.REVERTED, "reverted by bob", CREATED.plusSeconds(1));
    assertThat(reverted)
        .isEqualTo(
            new LedgerEntry(
                "x1",
                ChangeKind.PATCH,
                "new code",
                "bob",
                CREATED,
                LedgerState.REVERTED,
                "reverted by bob",
                CREATED.plusSeconds(1)));
    assertThat(LedgerState.WAITING.isLive()).isTrue();
    assertThat(LedgerState.REVERTED.isLive()).isFalse();
  }

  @Test
  void anEntryIsNotUpdatedBeforeItIsCreated() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () ->
                new LedgerEntry(
                    "x1",
                    ChangeKind.PATCH,
                    "d",
                    "bob",
                    CREATED,
                    LedgerState.ACTIVE,
                    null,
                    CREATED.minusSeconds(1)));
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo(
            "change x1: 'updatedAt' (2026-12-01T16:59:59Z) is before 'createdAt' (2026-12-01T17:00:00Z)");
  }

  @Test
  void aLedgerListsEachChangeOnce() {
    LedgerEntry entry =
        LedgerEntry.created("p1", ChangeKind.PROBE, "d", "a", LedgerState.ACTIVE, CREATED);
    assertThat(
            catchThrowableOfType(JLiveException.class, () -> new Ledger(List.of(entry, entry)))
                .getMessage())
        .isEqualTo("the ledger lists change p1 twice");
  }

  @Test
  void anUnknownStateIsNamedWithTheChoices() {
    String json =
        "{\"changes\":[{\"id\":\"p1\",\"kind\":\"probe\",\"description\":\"d\",\"author\":\"a\","
            + "\"createdAt\":\"2026-12-01T17:00:00Z\",\"state\":\"paused\",\"updatedAt\":\"2026-12-01T17:00:00Z\"}]}";
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> Ledger.fromWire(Json.parse(json)));
    assertThat(e.getMessage()).isEqualTo("the ledger: changes[0]: 'paused' is not a valid state");
    assertThat(e.hint()).isEqualTo("choose active, waiting, disabled, removed, reverted, failed");
  }
}
