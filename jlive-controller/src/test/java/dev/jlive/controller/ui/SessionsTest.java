package dev.jlive.controller.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Sessions sessions = new Sessions(now::get);

  @Test
  void aSessionLivesWhileUsedAndEndsAfterItsIdleTime() {
    Sessions.Session session = sessions.create("token");
    now.addAndGet(Sessions.IDLE.toMillis() - 1);
    assertThat(sessions.find(session.id)).isSameAs(session);
    now.addAndGet(Sessions.IDLE.toMillis() - 1);
    assertThat(sessions.find(session.id)).as("used just before: still alive").isSameAs(session);
    now.addAndGet(Sessions.IDLE.toMillis() + 1);
    assertThat(sessions.find(session.id)).isNull();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void aBusySessionStillEndsAtItsLifetime() {
    Sessions.Session session = sessions.create("token");
    long step = Sessions.IDLE.toMillis() / 2;
    for (long spent = 0; spent + step < Sessions.LIFETIME.toMillis(); spent += step) {
      now.addAndGet(step);
      assertThat(sessions.find(session.id)).isSameAs(session);
    }
    now.addAndGet(step + 1);
    assertThat(sessions.find(session.id)).isNull();
  }

  @Test
  void idsAndCsrfTokensAre256RandomBitsAndTheCsrfCheckIsExact() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      Sessions.Session session = sessions.create("token");
      assertThat(session.id).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(session.csrf).hasSize(43).isNotEqualTo(session.id);
      assertThat(seen.add(session.id)).isTrue();
      assertThat(session.csrfMatches(session.csrf)).isTrue();
      assertThat(session.csrfMatches(session.csrf.substring(1))).isFalse();
      assertThat(session.csrfMatches(null)).isFalse();
    }
  }

  @Test
  void signingOutRemovesTheSession() {
    Sessions.Session session = sessions.create("token");
    sessions.remove(session.id);
    assertThat(sessions.find(session.id)).isNull();
    assertThat(sessions.find(null)).isNull();
    assertThat(sessions.find("forged")).isNull();
  }
}
