package dev.jlive.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one wire record as a JSON object, field by field, in a fixed order. Every message type
 * writes itself with this (its {@code toJson()}), so no module builds a message's map by hand.
 *
 * <p>Values are converted as they are put: a {@link JsonWritable} to its own object, an enum to its
 * lower-case name (the wire spelling of every jlive enum), lists and maps item by item. A null
 * value is left out: on the wire an absent field and a null one mean the same.
 */
public final class JsonObject {
  // The one ordered map every message is written through: fields come out in the order put.
  private final Map<String, Object> fields = new LinkedHashMap<>();

  private JsonObject() {}

  public static JsonObject create() {
    return new JsonObject();
  }

  public JsonObject put(String name, Object value) {
    if (value != null) {
      fields.put(name, toWire(value));
    }
    return this;
  }

  /** Puts the field only when {@code condition} holds: for defaults that need not be written. */
  public JsonObject putIf(boolean condition, String name, Object value) {
    return condition ? put(name, value) : this;
  }

  /** Copies every field of an object already in wire form (a nested body passed on as is). */
  public JsonObject putAll(Map<String, ?> wireFields) {
    wireFields.forEach(this::put);
    return this;
  }

  /** The object in the form {@link Json#write} takes; unmodifiable. */
  public Map<String, Object> toMap() {
    return Collections.unmodifiableMap(fields);
  }

  /**
   * An unmodifiable copy of an object in wire form that, unlike {@code Map.copyOf}, keeps its order
   * (a spec is shown as it was sent) and its null values; for records that carry a nested body as
   * is.
   */
  public static <T> Map<String, T> copyOf(Map<String, T> wireFields) {
    return wireFields == null
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(wireFields));
  }

  /** The wire form of one value: what {@link #put} stores. */
  public static Object toWire(Object value) {
    if (value instanceof JsonWritable writable) {
      return writable.toJson();
    }
    if (value instanceof Enum<?> constant) {
      return wireName(constant);
    }
    if (value instanceof List<?> items) {
      List<Object> out = new ArrayList<>(items.size());
      for (Object item : items) {
        out.add(toWire(item));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject out = new JsonObject();
      map.forEach((key, item) -> out.fields.put(String.valueOf(key), toWire(item)));
      return out.toMap();
    }
    return value;
  }

  /** An enum constant as the wire spells it: {@code IN_PROGRESS} is {@code "in_progress"}. */
  public static String wireName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }
}
