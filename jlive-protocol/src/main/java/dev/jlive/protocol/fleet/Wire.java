package dev.jlive.protocol.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Reading helpers the fleet records share. */
final class Wire {
  private Wire() {}

  static JLiveException bad(String message, String hint) {
    return new JLiveException(ErrorCode.BAD_REQUEST, message, hint);
  }

  /**
   * A required text that must not be blank: the record's own check, for records made in code too.
   */
  static String text(String value, String what, String name) {
    if (value == null || value.isBlank()) {
      throw bad(
          what + " needs '" + name + "'", "see dev.jlive.protocol.FleetApi for the agent protocol");
    }
    return value;
  }

  /**
   * An object whose values are all objects of one type, keyed by id (the change reports of a sync,
   * say), read in the same mode as {@code body}; order kept, unmodifiable; empty when absent.
   */
  static <T> Map<String, T> objectsById(
      StrictObject body,
      String name,
      String itemWhat,
      Set<String> itemFields,
      Function<StrictObject, T> reader) {
    Map<String, Object> raw = body.optionalObject(name);
    Map<String, T> items = new LinkedHashMap<>(); // in the order sent, as the javadoc says
    if (raw != null) {
      raw.forEach(
          (id, value) -> {
            if (!(value instanceof Map)) {
              throw bad(
                  body.what() + ": '" + name + "." + id + "' must be an object",
                  "send e.g. {\"" + name + "\": {\"c1\": {...}}}");
            }
            // One name for every item, so that an unknown field is logged once, not once per id.
            items.put(id, reader.apply(body.inSameMode(value, itemWhat, itemWhat, itemFields)));
          });
    }
    return Collections.unmodifiableMap(items);
  }

  /** A list of objects of one type, read in the same mode as {@code body}; empty when absent. */
  static <T> List<T> objects(
      StrictObject body, String name, Set<String> itemFields, Function<StrictObject, T> reader) {
    List<T> items = new ArrayList<>();
    body.optionalObjects(name, itemFields).forEach(item -> items.add(reader.apply(item)));
    return List.copyOf(items);
  }

  /**
   * A list of objects passed on as they are (events, whose fields this version need not know);
   * empty when absent.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rawObjects(
      Map<String, Object> json, StrictObject body, String name) {
    body.has(name); // declares the field: a reader asking for an undeclared one is a bug
    Object value = json.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw bad(
          body.what() + ": '" + name + "' must be an array of objects",
          "send e.g. {\"" + name + "\": [{...}]}");
    }
    List<Map<String, Object>> items = new ArrayList<>(list.size());
    for (int index = 0; index < list.size(); index++) {
      if (!(list.get(index) instanceof Map<?, ?> item)) {
        throw bad(
            body.what()
                + ": '"
                + name
                + "' must be an array of objects; item "
                + index
                + " is not an object",
            "send e.g. {\"" + name + "\": [{...}]}");
      }
      items.add(Collections.unmodifiableMap((Map<String, Object>) item));
    }
    return Collections.unmodifiableList(items);
  }

  /** An object passed on as it is (a probe's metrics entry); empty when absent. */
  static Map<String, Object> rawObject(StrictObject body, String name) {
    Map<String, Object> value = body.optionalObject(name);
    return value == null ? Map.of() : Collections.unmodifiableMap(value);
  }

  /**
   * An unmodifiable copy that, unlike Map.copyOf, keeps the order (reports list changes as they
   * came) and null values.
   */
  static <T> Map<String, T> copy(Map<String, T> value) {
    return JsonObject.copyOf(value);
  }

  /** A whole number that fits an int. */
  static int intValue(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }
}
