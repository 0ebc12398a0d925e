package dev.jlive.controller.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.fleet.Labels;
import java.util.Map;
import java.util.TreeMap;

/** Checks of what users name: services, labels. */
final class Names {
  private Names() {}

  static String service(Object value) {
    return Labels.service(value == null ? null : String.valueOf(value));
  }

  /**
   * Labels as a map of names to values, sorted by name; values may hold anything but '/' and
   * control characters.
   */
  static Map<String, String> labels(Object value, String what) {
    Map<String, String> labels = new TreeMap<>();
    if (value == null) {
      return Labels.checked(labels, what);
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " must be an object of label names to values",
          "e.g. {\"zone\": \"eu-1\"}");
    }
    map.forEach((key, labelValue) -> labels.put(String.valueOf(key), String.valueOf(labelValue)));
    return Labels.checked(labels, what);
  }
}
