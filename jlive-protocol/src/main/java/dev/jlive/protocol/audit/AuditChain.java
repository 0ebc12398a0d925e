package dev.jlive.protocol.audit;

import dev.jlive.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash chain of the audit log, and the walk that checks it. Each record's hash is SHA-256 over
 * its canonical JSON (every field but {@code hash}, keys sorted at every level, no spaces), and
 * that JSON includes the previous record's hash: changing any field of a record changes its hash,
 * and taking a record out breaks the link of the one after it.
 *
 * <p>The hash is computed over the record as stored, not as this version reads it, so a field a
 * newer controller added is covered too and an added field is an edit.
 *
 * <p>Tamper-evident, not tamper-proof: whoever can write the store can rewrite the whole tail and
 * recompute every hash after the record they changed. Comparing the head hash with a copy kept
 * elsewhere (see {@code jlive audit head}) is what catches that.
 */
public final class AuditChain {
  /** The {@code previous} of the first record. */
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  /** The hash of a record in wire form: SHA-256 of its canonical JSON without {@code hash}. */
  public static String hash(Map<String, Object> wire) {
    Map<String, Object> content = new TreeMap<>(wire);
    content.remove("hash");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.write(canonical(content)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((key, item) -> sorted.put(String.valueOf(key), canonical(item)));
      return sorted;
    }
    if (value instanceof List<?> items) {
      List<Object> out = new ArrayList<>(items.size());
      items.forEach(item -> out.add(canonical(item)));
      return out;
    }
    return value;
  }

  /**
   * Checks records one by one, in sequence order, and stops at the first problem. Feed it the
   * records that exist; a number skipped is a record missing.
   */
  public static final class Walk {
    private long checked;
    private long lastSequence;
    private String lastHash;
    private Long badSequence;
    private String problem;

    /** A walk from the first record of the log. */
    public Walk() {
      this(0, GENESIS);
    }

    private Walk(long lastSequence, String lastHash) {
      this.lastSequence = lastSequence;
      this.lastHash = lastHash;
    }

    /**
     * A walk from record {@code sequence + 1} on, trusting that record {@code sequence} had {@code
     * hash}: for an export that does not start at the first record.
     */
    public static Walk after(long sequence, String hash) {
      return new Walk(Math.max(0, sequence), hash);
    }

    /**
     * Checks the record stored as number {@code sequence}; false once a problem is found.
     *
     * @param wire the record as stored; null when it cannot be read as JSON
     */
    public boolean next(long sequence, Map<String, Object> wire) {
      if (problem != null) {
        return false;
      }
      if (sequence > lastSequence + 1) {
        return fail(
            lastSequence + 1,
            "record "
                + (lastSequence + 1)
                + " is missing ("
                + lastSequence
                + " → "
                + sequence
                + ")");
      }
      if (sequence <= lastSequence) {
        return fail(sequence, "record " + sequence + " appears twice or out of order");
      }
      if (wire == null) {
        return fail(sequence, "record " + sequence + " is not valid JSON");
      }
      if (!(wire.get("hash") instanceof String stored) || !stored.equals(hash(wire))) {
        return fail(sequence, "record " + sequence + ": hash does not match its content");
      }
      if (!(wire.get("seq") instanceof Number own) || own.longValue() != sequence) {
        return fail(sequence, "record " + sequence + " says it is record " + wire.get("seq"));
      }
      if (!lastHash.equals(wire.get("previous"))) {
        return fail(
            sequence,
            "record "
                + sequence
                + ": previous hash does not match "
                + (lastSequence == 0 ? "the start of the log" : "record " + lastSequence));
      }
      checked++;
      lastSequence = sequence;
      lastHash = stored;
      return true;
    }

    /**
     * The verdict once every record was fed: {@code headSequence} and {@code headHash} are what the
     * log says its last record is (null to trust the records, as for an exported file).
     */
    public AuditVerdict verdict(Long headSequence, String headHash) {
      if (problem == null && headSequence != null) {
        if (headSequence > lastSequence) {
          fail(
              lastSequence + 1,
              "record "
                  + (lastSequence + 1)
                  + " is missing ("
                  + lastSequence
                  + " → end; the head names record "
                  + headSequence
                  + ")");
        } else if (headSequence < lastSequence) {
          fail(headSequence + 1, "record " + (headSequence + 1) + " is beyond the head");
        } else if (!lastHash.equals(headHash)) {
          fail(lastSequence, "the head's hash does not match record " + lastSequence);
        }
      }
      return new AuditVerdict(
          problem == null, checked, lastSequence, lastHash, badSequence, problem);
    }

    private boolean fail(long sequence, String what) {
      badSequence = sequence;
      problem = what;
      return false;
    }
  }
}
