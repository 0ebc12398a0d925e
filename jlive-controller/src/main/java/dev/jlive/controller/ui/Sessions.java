package dev.jlive.controller.ui;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's sign-ins, kept on the server: the browser holds only a random 256-bit id in an
 * HttpOnly cookie. A session keeps the user's token (never sent back to the browser) so that every
 * request is authenticated again through the user store: a user revoked or rotated loses the
 * dashboard on its next request, as it loses the API.
 */
final class Sessions {
  /** A session unused this long is gone. */
  static final Duration IDLE = Duration.ofMinutes(30);

  /** A session older than this is gone, however busy: a stolen cookie does not live for ever. */
  static final Duration LIFETIME = Duration.ofHours(12);

  /** Past this many live sessions a sign-in is refused, so a flood of sign-ins holds no memory. */
  static final int MAX_SESSIONS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  Sessions(LongSupplier clock) {
    this.clock = clock;
  }

  /** One signed-in browser: its cookie id, the user's token and the CSRF token of its pages. */
  static final class Session {
    final String id;
    final String token;
    final String csrf;
    final long createdAt;
    volatile long lastUsed;

    Session(String id, String token, String csrf, long now) {
      this.id = id;
      this.token = token;
      this.csrf = csrf;
      this.createdAt = now;
      this.lastUsed = now;
    }

    /** Whether {@code header} is this session's CSRF token, compared in constant time. */
    boolean csrfMatches(String header) {
      return header != null
          && MessageDigest.isEqual(
              header.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8));
    }
  }

  Session create(String token) {
    long now = clock.getAsLong();
    if (byId.size() >= MAX_SESSIONS) {
      byId.values().removeIf(session -> expired(session, now));
      if (byId.size() >= MAX_SESSIONS) {
        throw new JLiveException(
            ErrorCode.BUSY,
            "the dashboard has " + MAX_SESSIONS + " sessions signed in",
            "sign out elsewhere, or wait until idle sessions expire ("
                + IDLE.toMinutes()
                + " min)");
      }
    }
    Session session = new Session(randomId(), token, randomId(), now);
    byId.put(session.id, session);
    return session;
  }

  /** The live session with this id, its use recorded; null when unknown or expired. */
  Session find(String id) {
    if (id == null) {
      return null;
    }
    Session session = byId.get(id);
    if (session == null) {
      return null;
    }
    long now = clock.getAsLong();
    if (expired(session, now)) {
      byId.remove(id);
      return null;
    }
    session.lastUsed = now;
    return session;
  }

  void remove(String id) {
    if (id != null) {
      byId.remove(id);
    }
  }

  int size() {
    return byId.size();
  }

  private static boolean expired(Session session, long now) {
    return now - session.lastUsed > IDLE.toMillis()
        || now - session.createdAt > LIFETIME.toMillis();
  }

  /** 256 random bits, URL-safe. */
  static String randomId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
