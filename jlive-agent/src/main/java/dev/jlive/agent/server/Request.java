package dev.jlive.agent.server;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One request to the endpoint, already authenticated.
 *
 * @param user who asked, as the client said (recorded with every change)
 */
public record Request(
    String method, String path, Map<String, String> query, Map<String, Object> body, String user) {

  /** A query parameter that must be present. */
  public String require(String name, String what) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, "missing query parameter '" + name + "'", "give " + what);
    }
    return value;
  }

  public String optional(String name) {
    String value = query.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * A query flag: only {@code true} or {@code false}, so that {@code all=yes} is not read as false.
   */
  public boolean booleanParam(String name, boolean defaultValue) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    if (!value.equals("true") && !value.equals("false")) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "query parameter " + name + "=" + value + " is not true or false",
          "give " + name + "=true or " + name + "=false");
    }
    return value.equals("true");
  }

  public int intParam(String name, int defaultValue) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "query parameter " + name + "=" + value + " is not a number",
          "give a whole number");
    }
  }

  public long longParam(String name, long defaultValue) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "query parameter " + name + "=" + value + " is not a number",
          "give a whole number");
    }
  }

  static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        query.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "malformed query parameter '" + pair + "': " + e.getMessage(),
            "percent-encode the value (URLEncoder does)");
      }
    }
    return query;
  }
}
