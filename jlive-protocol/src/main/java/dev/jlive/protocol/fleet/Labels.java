package dev.jlive.protocol.fleet;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's labels and a change's {@code where}: label names that fit a URL and a ZooKeeper node,
 * string values.
 */
public final class Labels {
  private Labels() {}

  /**
   * Checks every label name and answers the labels sorted by name, unmodifiable: the same labels
   * always compare, print and digest the same.
   *
   * @param what where the labels come from, for messages ("labels", "where")
   */
  public static Map<String, String> checked(Map<String, String> labels, String what) {
    Map<String, String> sorted = new TreeMap<>();
    if (labels != null) {
      labels.forEach(
          (name, value) -> {
            if (!FleetApi.isValidName(name)) {
              throw new JLiveException(
                  ErrorCode.BAD_REQUEST,
                  "'" + name + "' in " + what + " is not a label name",
                  "use letters, digits, '.', '_' and '-'");
            }
            if (value == null) {
              throw new JLiveException(
                  ErrorCode.BAD_REQUEST,
                  "label '" + name + "' in " + what + " has no value",
                  "send e.g. {\"" + name + "\": \"eu-1\"}");
            }
            sorted.put(name, value);
          });
    }
    return Collections.unmodifiableMap(sorted);
  }

  /** True when every label of {@code where} has the same value in {@code labels}. */
  public static boolean matches(Map<String, String> where, Map<String, String> labels) {
    for (Map.Entry<String, String> wanted : where.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** A service name, checked. */
  public static String service(String name) {
    if (!FleetApi.isValidName(name)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + name + "' is not a service name",
          "use letters, digits, '.', '_' and '-' (up to 63 characters), starting with a letter or digit");
    }
    return name;
  }
}
