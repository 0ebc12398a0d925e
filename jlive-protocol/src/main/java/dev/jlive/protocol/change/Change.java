package dev.jlive.protocol.change;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import dev.jlive.protocol.fleet.Labels;
import dev.jlive.protocol.governance.Approval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A fleet change as the controller stores it (its ZooKeeper node) and shows it.
 *
 * @param number the service's counter when it was made; {@code id} is {@code "c" + number}
 * @param description what it does, in a few words
 * @param spec the body an agent's own {@code POST /v1/probes} or {@code /v1/patches} takes; null in
 *     what users are shown ({@link #summary()}), since it may hold whole source files
 * @param where the labels a process must have to get it; empty for every process
 * @param digest SHA-256 of the canonical JSON of kind, spec and where ({@link #digestOf}): the same
 *     change sent twice has the same digest and is applied once
 * @param targets the processes live when it was made
 * @param createdAt ISO-8601, as {@code revertedAt}
 * @param required how many approvals the service's policy asked for when it was made; 0 when none
 * @param approvals each approver's word (and a rejection's), oldest first
 * @param signature the controller's Ed25519 signature ({@link ChangeSignature}, base64), made when
 *     the change became active; null for a change made before controllers signed, which agents
 *     given the controller's key refuse
 */
public record Change(
    String id,
    long number,
    String service,
    ChangeKind kind,
    String description,
    Map<String, Object> spec,
    Map<String, String> where,
    String digest,
    String author,
    String createdAt,
    ChangeState state,
    List<String> targets,
    String revertedBy,
    String revertedAt,
    int required,
    List<Approval> approvals,
    String signature)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "id",
          "number",
          "service",
          "kind",
          "description",
          "spec",
          "where",
          "digest",
          "author",
          "createdAt",
          "state",
          "targets",
          "revertedBy",
          "revertedAt",
          "required",
          "approvals",
          "signature");
  private static final String WHAT = "the change";

  public Change {
    if (id == null || id.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " needs 'id'", "the controller names changes c1, c2, ...");
    }
    if (kind == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, WHAT + " " + id + " needs 'kind'", "probe or patch");
    }
    if (state == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          WHAT + " " + id + " needs 'state'",
          "active, reverted, proposed or rejected");
    }
    if (required < 0) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          WHAT + " " + id + ": 'required' must not be negative",
          "0 when it needs no approval");
    }
    spec = spec == null ? null : JsonObject.copyOf(spec);
    where = Labels.checked(where, "where");
    targets = targets == null ? List.of() : List.copyOf(targets);
    approvals = approvals == null ? List.of() : List.copyOf(approvals);
  }

  /** A change made without sign-off, as before policies existed. */
  public Change(
      String id,
      long number,
      String service,
      ChangeKind kind,
      String description,
      Map<String, Object> spec,
      Map<String, String> where,
      String digest,
      String author,
      String createdAt,
      ChangeState state,
      List<String> targets,
      String revertedBy,
      String revertedAt) {
    this(
        id,
        number,
        service,
        kind,
        description,
        spec,
        where,
        digest,
        author,
        createdAt,
        state,
        targets,
        revertedBy,
        revertedAt,
        0,
        List.of(),
        null);
  }

  /** A new change, active, with its digest. */
  public static Change create(
      long number,
      String service,
      ChangeKind kind,
      String description,
      Map<String, Object> spec,
      Map<String, String> where,
      String author,
      String createdAt,
      List<String> targets) {
    return new Change(
        "c" + number,
        number,
        service,
        kind,
        description,
        spec,
        where,
        digestOf(kind, spec, where),
        author,
        createdAt,
        ChangeState.ACTIVE,
        targets,
        null,
        null);
  }

  /**
   * A new change that waits for {@code required} approvals before it may become active; see {@link
   * #activated()}.
   */
  public static Change proposed(
      long number,
      String service,
      ChangeKind kind,
      String description,
      Map<String, Object> spec,
      Map<String, String> where,
      String author,
      String createdAt,
      List<String> targets,
      int required) {
    return new Change(
        "c" + number,
        number,
        service,
        kind,
        description,
        spec,
        where,
        digestOf(kind, spec, where),
        author,
        createdAt,
        ChangeState.PROPOSED,
        targets,
        null,
        null,
        required,
        List.of(),
        null);
  }

  /**
   * Reads a stored change or a controller's answer: unknown fields (a newer controller's) are
   * ignored and logged once.
   */
  public static Change fromWire(Object json) {
    return read(StrictObject.tolerant(json, WHAT, FIELDS));
  }

  static Change read(StrictObject body) {
    return new Change(
        body.requireString("id", "\"c1\""),
        body.optionalLong("number", 0, 0, Long.MAX_VALUE),
        body.optionalString("service"),
        body.requireEnum("kind", ChangeKind.class),
        body.optionalString("description"),
        body.optionalObject("spec"),
        body.optionalStringMap("where"),
        body.optionalString("digest"),
        body.optionalString("author"),
        body.optionalString("createdAt"),
        body.requireEnum("state", ChangeState.class),
        body.optionalStrings("targets"),
        body.optionalString("revertedBy"),
        body.optionalString("revertedAt"),
        (int) body.optionalLong("required", 0, 0, Integer.MAX_VALUE),
        body.optionalObjects("approvals", Approval.FIELDS).stream().map(Approval::read).toList(),
        body.optionalString("signature"));
  }

  public boolean isActive() {
    return state == ChangeState.ACTIVE;
  }

  public boolean isProposed() {
    return state == ChangeState.PROPOSED;
  }

  /** How many approvers said yes. */
  public int approvalCount() {
    return (int) approvals.stream().filter(Approval::approves).count();
  }

  /** Whether {@code user} already gave their word on it. */
  public boolean hasWordFrom(String user) {
    return approvals.stream().anyMatch(approval -> approval.by().equals(user));
  }

  /** The change as users see it: everything but its spec. */
  public Change summary() {
    return spec == null
        ? this
        : new Change(
            id,
            number,
            service,
            kind,
            description,
            null,
            where,
            digest,
            author,
            createdAt,
            state,
            targets,
            revertedBy,
            revertedAt,
            required,
            approvals,
            signature);
  }

  public Change reverted(String by, String at) {
    return next(ChangeState.REVERTED, by, at, approvals, signature);
  }

  /** The same change carrying the controller's signature. */
  public Change signed(String newSignature) {
    return next(state, revertedBy, revertedAt, approvals, newSignature);
  }

  /** The same change with one more person's word, in the same state (rejected by a no). */
  public Change withWord(Approval word) {
    List<Approval> more = new ArrayList<>(approvals);
    more.add(word);
    return next(
        word.approves() ? state : ChangeState.REJECTED, revertedBy, revertedAt, more, signature);
  }

  /** The same change, active: what every matching process is then sent. */
  public Change activated() {
    return next(ChangeState.ACTIVE, revertedBy, revertedAt, approvals, signature);
  }

  /** The same change at a later step of its life: what it is and who made it never change. */
  private Change next(
      ChangeState newState,
      String newRevertedBy,
      String newRevertedAt,
      List<Approval> newApprovals,
      String newSignature) {
    return new Change(
        id,
        number,
        service,
        kind,
        description,
        spec,
        where,
        digest,
        author,
        createdAt,
        newState,
        targets,
        newRevertedBy,
        newRevertedAt,
        required,
        newApprovals,
        newSignature);
  }

  /** The same kind, spec and labels give the same digest, whatever the order of the JSON keys. */
  public static String digestOf(
      ChangeKind kind, Map<String, Object> spec, Map<String, String> where) {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("kind", JsonObject.wireName(kind));
    canonical.put("spec", sorted(spec == null ? Map.of() : spec));
    canonical.put("where", new TreeMap<>(where == null ? Map.of() : where));
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(Json.write(canonical).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new TreeMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), sorted(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(sorted(item)));
      return copy;
    }
    return value;
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("id", id)
        .putIf(number > 0, "number", number)
        .put("service", service)
        .put("kind", kind)
        .put("description", description)
        .put("spec", spec)
        .put("where", where)
        .put("digest", digest)
        .put("author", author)
        .put("createdAt", createdAt)
        .put("state", state)
        .put("targets", targets)
        .put("revertedBy", revertedBy)
        .put("revertedAt", revertedAt)
        .putIf(required > 0, "required", required)
        .putIf(!approvals.isEmpty(), "approvals", approvals)
        .put("signature", signature)
        .toMap();
  }
}
