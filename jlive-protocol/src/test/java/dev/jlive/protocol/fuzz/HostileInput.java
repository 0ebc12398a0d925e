package dev.jlive.protocol.fuzz;

import dev.jlive.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generates what a hostile or broken client sends: text with unicode and control characters, JSON
 * that is invalid or deeply nested, bodies with every field of the wrong type or unknown, and HTTP
 * requests with broken framing. Seeded, so a failing case is reproduced from its seed; the fuzz
 * tests print the seed with every failure.
 */
public final class HostileInput {
  private static final String[] JSON_TOKENS = {
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "true",
    "tru",
    "null",
    "-",
    "0",
    "01",
    "1e",
    "1.5",
    "99999999999999999999",
    "\"k\"",
    " ",
    "\n",
    "\u0000",
    "\u2028",
    "\uffff",
    "é",
    "\"\\\"",
    "1e999",
    "-0",
    "NaN",
    "Infinity",
    "'",
    "/*",
    "\r\n"
  };
  private static final String[] NASTY = {
    "",
    " ",
    "\u0000",
    "\r\n",
    "\n\n",
    "\t",
    "\u202e",
    "\ud800",
    "\udfff",
    "\ufeff",
    "💥",
    "é",
    "%00",
    "%",
    "%zz",
    "../",
    "..",
    "*",
    "**",
    "#",
    "(",
    ")",
    "$",
    "{}",
    "[]",
    "\"",
    "\\",
    "true",
    "false",
    "null",
    "0",
    "-1",
    "9223372036854775808",
    "1e309",
    "<init>",
    "com.acme..*",
    "*".repeat(300),
    "a".repeat(5000)
  };

  private final Random random;

  public HostileInput(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  public int between(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  public boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  public <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  /** A short string that is anything: unicode, surrogates, control characters, huge or empty. */
  public String text() {
    if (chance(40)) {
      return NASTY[random.nextInt(NASTY.length)];
    }
    int length = chance(90) ? between(0, 30) : between(100, 3000);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(
          switch (random.nextInt(5)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> (char) random.nextInt(0x10000);
            default -> (char) between(0x20, 0x7e);
          });
    }
    return text.toString();
  }

  /** Text that is mostly not JSON, or JSON nested deeper than any parser should recurse. */
  public String brokenJson() {
    return switch (random.nextInt(4)) {
      case 0 -> "[".repeat(between(1, 5000));
      case 1 -> "{\"a\":".repeat(between(200, 3000)) + "1" + "}".repeat(between(0, 3000));
      case 2 -> text();
      default -> {
        StringBuilder soup = new StringBuilder();
        int tokens = between(1, 60);
        for (int i = 0; i < tokens; i++) {
          soup.append(JSON_TOKENS[random.nextInt(JSON_TOKENS.length)]);
        }
        yield soup.toString();
      }
    };
  }

  /** Any JSON value, up to {@code depth} levels of arrays and objects. */
  public Object value(int depth) {
    int kind = random.nextInt(depth > 0 ? 9 : 7);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong() >> random.nextInt(64);
      case 3 -> chance(50) ? random.nextDouble() * 1e6 : -random.nextDouble();
      case 4, 5 -> text();
      case 6 -> pick(List.of("true", "false", "1", "0", "", "null"));
      case 7 -> {
        List<Object> list = new ArrayList<>();
        int size = between(0, 4);
        for (int i = 0; i < size; i++) {
          list.add(value(depth - 1));
        }
        yield list;
      }
      default -> {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = between(0, 4);
        for (int i = 0; i < size; i++) {
          map.put(text(), value(depth - 1));
        }
        yield map;
      }
    };
  }

  /**
   * A body for a request that knows {@code fields}: some known fields with values of any type, and
   * often a field it does not know (a typo, another case, garbage).
   */
  public Map<String, Object> body(Set<String> fields) {
    List<String> known = new ArrayList<>(fields);
    Map<String, Object> body = new LinkedHashMap<>();
    int size = between(0, Math.min(6, known.size()));
    for (int i = 0; i < size; i++) {
      body.put(pick(known), value(2));
    }
    if (chance(40)) {
      String name = pick(known);
      body.put(
          switch (random.nextInt(3)) {
            case 0 -> name.toLowerCase(Locale.ROOT);
            case 1 -> name + "s";
            default -> text();
          },
          value(1));
    }
    return body;
  }

  /** A request body as bytes: mostly JSON objects with hostile fields, sometimes broken JSON. */
  public String bodyText(Set<String> fields) {
    return chance(70) ? Json.write(body(fields)) : brokenJson();
  }
}
