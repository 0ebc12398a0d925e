package dev.jlive.demo.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A path such as {@code /carts/{id}/items}, where each {@code {...}} segment matches any value. */
record PathPattern(List<String> segments) {

  private static final String PLACEHOLDER = "{}";

  static PathPattern of(String pattern) {
    List<String> segments = new ArrayList<>();
    for (String segment : split(pattern)) {
      segments.add(segment.startsWith("{") && segment.endsWith("}") ? PLACEHOLDER : segment);
    }
    return new PathPattern(List.copyOf(segments));
  }

  /** The values of the placeholders if the path matches, in order. */
  Optional<List<String>> match(String path) {
    List<String> parts = split(path);
    if (parts.size() != segments.size()) {
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String expected = segments.get(i);
      if (expected.equals(PLACEHOLDER)) {
        values.add(parts.get(i));
      } else if (!expected.equals(parts.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(values);
  }

  private static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }
}
