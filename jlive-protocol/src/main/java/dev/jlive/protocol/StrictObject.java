package dev.jlive.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A JSON object from a user (CLI or API), read field by field with strict types: a boolean is only
 * {@code true} or {@code false}, a number only a JSON number, a string only a JSON string, and a
 * field this request does not know is refused with the nearest known name. Lenient reading let
 * {@code "dryRun": "true"} apply a patch for real and let a typo such as {@code dryrun} be ignored;
 * every error here is a {@link ErrorCode#BAD_REQUEST} naming the field and what to send.
 *
 * <p>The agents' own register, sync and report bodies are read {@link #tolerant} instead: the same
 * strict types, but a field of a newer version is ignored and logged once ({@link UnknownFields}).
 */
public final class StrictObject {
  private final Map<String, Object> fields;
  private final String what;
  private final Set<String> known;
  private final boolean tolerant;

  /**
   * @param what the object as users know it, for messages ("the probe request")
   * @param known every field the object may have
   */
  public StrictObject(Map<String, Object> fields, String what, Set<String> known) {
    this(fields, what, known, false);
  }

  private StrictObject(
      Map<String, Object> fields, String what, Set<String> known, boolean tolerant) {
    this.fields = fields == null ? Map.of() : fields;
    this.what = what;
    this.known = known;
    this.tolerant = tolerant;
  }

  /** Reads a value that must itself be an object, e.g. an item of a list or a nested spec. */
  public static StrictObject of(Object value, String what, Set<String> known) {
    return new StrictObject(asObject(value, what), what, known);
  }

  /**
   * Reads a message between agent and controller: strict types and required fields as for users,
   * but unknown fields (from a peer of a newer version) are ignored and logged once.
   */
  public static StrictObject tolerant(Object value, String what, Set<String> known) {
    return tolerant(value, what, what, known);
  }

  /**
   * @param noteAs the message as unknown fields are logged: the same for every item of a list, so
   *     that a newer peer's field is logged once, not once per position
   */
  private static StrictObject tolerant(
      Object value, String what, String noteAs, Set<String> known) {
    StrictObject body = new StrictObject(asObject(value, what), what, known, true);
    for (String name : body.fields.keySet()) {
      if (!known.contains(name)) {
        UnknownFields.note(noteAs, name);
      }
    }
    return body;
  }

  /**
   * Reads an object that came inside this one (an item, a nested body) in the same mode: strict for
   * a user's request, tolerant between peers.
   *
   * @param noteAs the item as unknown fields are logged (see {@link #tolerant})
   */
  public StrictObject inSameMode(Object value, String what, String noteAs, Set<String> known) {
    return tolerant ? tolerant(value, what, noteAs, known) : of(value, what, known).rejectUnknown();
  }

  /** A nested object read in the same mode as this one (strict or tolerant); null when absent. */
  public StrictObject optionalNested(String name, String nestedWhat, Set<String> nestedKnown) {
    Map<String, Object> nested = optionalObject(name);
    if (nested == null) {
      return null;
    }
    return inSameMode(nested, nestedWhat, nestedWhat, nestedKnown);
  }

  /** A nested object that must be there. */
  public StrictObject requireNested(String name, String nestedWhat, Set<String> nestedKnown) {
    StrictObject nested = optionalNested(name, nestedWhat, nestedKnown);
    if (nested == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " needs '" + name + "'",
          "send e.g. {\"" + name + "\": {...}}");
    }
    return nested;
  }

  /** What this object is, as messages name it ("the probe request"). */
  public String what() {
    return what;
  }

  /** Refuses the first field that is not known, suggesting the closest known name. */
  public StrictObject rejectUnknown() {
    for (String name : fields.keySet()) {
      if (!known.contains(name)) {
        String nearest = nearest(name, known);
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            what + " has an unknown field '" + printable(name) + "'",
            (nearest == null ? "" : "did you mean '" + nearest + "'? ")
                + "known fields: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
    return this;
  }

  /**
   * An enum written by its lower-case name ({@link JsonObject#wireName}); {@code fallback} when
   * absent.
   */
  public <E extends Enum<E>> E optionalEnum(String name, Class<E> type, E fallback) {
    String text = optionalString(name);
    if (text == null) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (JsonObject.wireName(constant).equals(text.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    List<String> choices = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      choices.add(JsonObject.wireName(constant));
    }
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        what + ": '" + printable(shown) + "' is not a valid " + name,
        "choose " + String.join(", ", choices));
  }

  public <E extends Enum<E>> E requireEnum(String name, Class<E> type) {
    E value = optionalEnum(name, type, null);
    if (value == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " needs '" + name + "'",
          "send e.g. {\""
              + name
              + "\": \""
              + JsonObject.wireName(type.getEnumConstants()[0])
              + "\"}");
    }
    return value;
  }

  /** A whole number that must be there, from {@code min} to {@code max}. */
  public long requireLong(String name, long min, long max) {
    if (!has(name)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " needs '" + name + "'",
          "send e.g. {\"" + name + "\": " + min + "}");
    }
    return optionalLong(name, min, min, max);
  }

  /** An object of string values (labels, say); empty when absent. */
  public Map<String, String> optionalStringMap(String name) {
    Map<String, Object> object = optionalObject(name);
    if (object == null) {
      return Map.of();
    }
    Map<String, String> strings = new TreeMap<>();
    for (Map.Entry<String, Object> entry : object.entrySet()) {
      if (!(entry.getValue() instanceof String string)) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            what
                + ": '"
                + name
                + "."
                + printable(entry.getKey())
                + "' must be a string, not "
                + describe(entry.getValue()),
            "send e.g. {\"" + name + "\": {\"zone\": \"eu-1\"}}");
      }
      strings.put(entry.getKey(), string);
    }
    return strings;
  }

  public boolean has(String name) {
    return value(name) != null;
  }

  public String requireString(String name, String example) {
    String value = optionalString(name);
    if (value == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " needs '" + name + "'",
          "send e.g. {\"" + name + "\": " + example + "}");
    }
    return value;
  }

  /** A string, or null when the field is absent or JSON null. */
  public String optionalString(String name) {
    Object value = value(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw wrongType(name, value, "a string", "\"...\"");
  }

  public boolean optionalBoolean(String name, boolean fallback) {
    Object value = value(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    throw wrongType(name, value, "true or false", "true");
  }

  /** A whole number from {@code min} to {@code max}. */
  public long optionalLong(String name, long fallback, long min, long max) {
    Object value = value(name);
    if (value == null) {
      return fallback;
    }
    // Json reads whole numbers as Long; callers in code may pass an Integer. Never a fraction.
    if (!(value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte)) {
      throw wrongType(
          name,
          value,
          "a whole number from " + min + " to " + max,
          String.valueOf(Math.max(min, Math.min(max, fallback))));
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + ": '" + name + "' must be from " + min + " to " + max + ", not " + number,
          "send a number in that range");
    }
    return number;
  }

  public double optionalDouble(String name, double fallback, double min, double max) {
    Object value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)) {
      throw wrongType(name, value, "a number from " + min + " to " + max, String.valueOf(fallback));
    }
    double decimal = number.doubleValue();
    if (!(decimal >= min && decimal <= max)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + ": '" + name + "' must be from " + min + " to " + max + ", not " + number,
          "send a number in that range");
    }
    return decimal;
  }

  /** A list of strings; empty when absent. */
  public List<String> optionalStrings(String name) {
    List<String> strings = new ArrayList<>();
    List<?> items = list(name, "an array of strings", "[\"...\"]");
    for (int index = 0; index < items.size(); index++) {
      if (!(items.get(index) instanceof String string)) {
        throw wrongItem(name, index, items.get(index), "an array of strings", "[\"...\"]");
      }
      strings.add(string);
    }
    return strings;
  }

  /** A list of objects, each read with its own known fields; empty when absent. */
  public List<StrictObject> optionalObjects(String name, Set<String> itemFields) {
    List<StrictObject> objects = new ArrayList<>();
    int index = 0;
    for (Object item : list(name, "an array of objects", "[{...}]")) {
      if (!(item instanceof Map)) {
        throw wrongItem(name, index, item, "an array of objects", "[{...}]");
      }
      objects.add(
          inSameMode(item, what + ": " + name + "[" + index + "]", what + ": " + name, itemFields));
      index++;
    }
    return objects;
  }

  /** The raw value of an object field (a nested body passed on as is), or null when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> optionalObject(String name) {
    Object value = value(name);
    if (value == null || value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw wrongType(name, value, "an object", "{...}");
  }

  private List<?> list(String name, String expected, String example) {
    Object value = value(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> items) {
      return items;
    }
    throw wrongType(name, value, expected, example);
  }

  private Object value(String name) {
    if (!known.contains(name)) {
      // A reader asking for a field it did not declare is a bug here, not the user's.
      throw new IllegalStateException(what + " does not declare the field '" + name + "'");
    }
    return fields.get(name);
  }

  private JLiveException wrongType(String name, Object value, String expected, String example) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        what + ": '" + name + "' must be " + expected + ", not " + describe(value),
        "send e.g. {\"" + name + "\": " + example + "}");
  }

  private JLiveException wrongItem(
      String name, int index, Object item, String expected, String example) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        what + ": '" + name + "' must be " + expected + "; item " + index + " is " + describe(item),
        "send e.g. {\"" + name + "\": " + example + "}");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object value, String what) {
    if (value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        what + " must be a JSON object, not " + describe(value),
        "send {...}");
  }

  /** The value as the user wrote it, short: {@code the string "true"}, {@code the number 1}. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String string) {
      return "the string "
          + Json.write(string.length() > 40 ? string.substring(0, 40) + "..." : string);
    }
    if (value instanceof Number) {
      return "the number " + value;
    }
    if (value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof Map) {
      return "an object";
    }
    return "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** A field name as it can be shown: quoted JSON escapes, cut short. */
  private static String printable(String name) {
    String written = Json.write(name.length() > 60 ? name.substring(0, 60) + "..." : name);
    return written.substring(1, written.length() - 1);
  }

  /** The known name closest to {@code name}, ignoring case, when close enough to be a typo. */
  public static String nearest(String name, Set<String> known) {
    if (name.length() > 100) {
      return null;
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance
          || (distance == bestDistance && best != null && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= Math.max(1, Math.min(3, best.length() / 3))
        ? best
        : null;
  }

  /**
   * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), since
   * {@code wiat} for {@code wait} is the commonest typo; field names are short, so the table is
   * cheap.
   */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
