package dev.jlive.controller.ui;

import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonWritable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One stream topic whose answer holds a table (a list of rows with a key, such as a service's
 * processes): the first time the whole answer goes, then only the rows that changed or went away
 * since the last event, so a service of 2,000 processes does not resend 2,000 rows a second when a
 * few of them synced.
 *
 * <p>A diff is sent as {@code {"diff": {"field", "key": [fields], "changed": [rows], "removed":
 * [keys]}, "rest": {the answer's other fields}}}; the page applies it to the table it holds, keying
 * rows by the diff's own {@code key} (the row's values of those fields joined by "/"), so the page
 * keeps no copy of which field keys which table. An answer without the table (a refusal) is sent
 * whole and the next table goes whole again.
 */
final class TableDiff {
  private final String field;
  private final List<String> keyFields;
  private Map<String, String> lastRows;
  private String lastRest;

  /**
   * @param field the answer's field that holds the rows
   * @param keyFields the fields whose values, joined by "/", are a row's identity in the table
   */
  TableDiff(String field, String... keyFields) {
    this.field = field;
    this.keyFields = List.of(keyFields);
  }

  /**
   * What to send for this answer: itself, the diff against the last one sent, or null when nothing
   * changed.
   */
  Object next(Object answer) {
    Map<?, ?> body = asMap(answer);
    if (body == null || !(body.get(field) instanceof List<?> rows)) {
      lastRows = null;
      return answer;
    }
    Map<String, String> now = new LinkedHashMap<>();
    Map<String, Object> rowsByKey = new HashMap<>();
    for (Object row : rows) {
      Map<?, ?> one = asMap(row);
      if (one == null) {
        lastRows = null;
        return answer;
      }
      String id = key(one);
      now.put(id, Json.write(one));
      rowsByKey.put(id, one);
    }
    Map<String, Object> rest = new LinkedHashMap<>();
    body.forEach(
        (name, value) -> {
          if (!field.equals(name)) {
            rest.put(String.valueOf(name), value);
          }
        });
    String restText = Json.write(rest);
    Map<String, String> before = lastRows;
    String restBefore = lastRest;
    lastRows = now;
    lastRest = restText;
    if (before == null) {
      return answer;
    }
    List<Object> changed = new ArrayList<>();
    now.forEach(
        (id, text) -> {
          if (!text.equals(before.get(id))) {
            changed.add(rowsByKey.get(id));
          }
        });
    List<String> removed = new ArrayList<>();
    for (String id : before.keySet()) {
      if (!now.containsKey(id)) {
        removed.add(id);
      }
    }
    if (changed.isEmpty() && removed.isEmpty() && restText.equals(restBefore)) {
      return null;
    }
    Map<String, Object> diff = new LinkedHashMap<>();
    diff.put("field", field);
    diff.put("key", keyFields);
    diff.put("changed", changed);
    diff.put("removed", removed);
    return Map.of("diff", diff, "rest", rest);
  }

  /** A missing or null field counts as "", as in the page's {@code [values].join("/")}. */
  private String key(Map<?, ?> row) {
    StringJoiner key = new StringJoiner("/");
    for (String name : keyFields) {
      key.add(Objects.toString(row.get(name), ""));
    }
    return key.toString();
  }

  /** A route's answer or row as the map it writes (routes answer maps or records); else null. */
  private static Map<?, ?> asMap(Object json) {
    if (json instanceof Map<?, ?> map) {
      return map;
    }
    return json instanceof JsonWritable writable ? writable.toJson() : null;
  }
}
