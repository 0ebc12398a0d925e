package dev.jlive.controller.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks of what users and agents name: services, labels. */
final class Names {
  private Names() {}

  static String service(Object value) {
    String name = value == null ? null : String.valueOf(value);
    if (!FleetApi.isValidName(name)) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + name + "' is not a service name",
          "use letters, digits, '.', '_' and '-' (up to 63 characters), starting with a letter or digit");
    }
    return name;
  }

  /** Labels as a map of names to values; values may hold anything but '/' and control characters. */
  static Map<String, String> labels(Object value, String what) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (value == null) {
      return labels;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, what + " must be an object of label names to values", "e.g. {\"zone\": \"eu-1\"}");
    }
    map.forEach((key, labelValue) -> {
      String name = String.valueOf(key);
      if (!FleetApi.isValidName(name)) {
        throw new JLiveException(ErrorCode.BAD_REQUEST, "'" + name + "' in " + what + " is not a label name",
            "use letters, digits, '.', '_' and '-'");
      }
      labels.put(name, String.valueOf(labelValue));
    });
    return labels;
  }

  /** True when every label of {@code where} has the same value in {@code labels}. */
  static boolean matches(Map<?, ?> where, Map<?, ?> labels) {
    if (where == null) {
      return true;
    }
    for (Map.Entry<?, ?> wanted : where.entrySet()) {
      if (labels == null || !String.valueOf(wanted.getValue()).equals(String.valueOf(labels.get(wanted.getKey())))) {
        return false;
      }
    }
    return true;
  }
}
