package dev.jlive.demo.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A routed request: the values of the path's placeholders and the decoded query. */
final class Request {

  private final List<String> pathParams;
  private final Map<String, String> query;

  Request(List<String> pathParams, String rawQuery) {
    this.pathParams = List.copyOf(pathParams);
    this.query = parseQuery(rawQuery);
  }

  /** The value of the path's {@code index}th placeholder, counting from 0. */
  String path(int index) {
    return pathParams.get(index);
  }

  String query(String name) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("missing query parameter '" + name + "'");
    }
    return value;
  }

  int queryInt(String name) {
    String value = query(name);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          "query parameter '" + name + "' must be an integer, was '" + value + "'");
    }
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(decode(name), decode(value));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(
            "malformed query parameter '" + pair + "': " + e.getMessage());
      }
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
