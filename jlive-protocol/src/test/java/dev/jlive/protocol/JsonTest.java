package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  /** A map that keeps insertion order and allows null values, as the parser builds them. */
  private static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<Object> array(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  @Test
  void nestedValuesSurviveAWriteParseRoundTrip() {
    Map<String, Object> value =
        object(
            "name",
            "cart",
            "count",
            3L,
            "ratio",
            0.25,
            "big",
            Long.MAX_VALUE,
            "negative",
            Long.MIN_VALUE,
            "ok",
            true,
            "off",
            false,
            "nothing",
            null,
            "lines",
            array(
                object("sku", "p1", "qty", 2L), object(), array(), array(1L, array(2L, array(3L)))),
            "inner",
            object("deeper", object("deepest", "x")));

    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
    assertThat(Json.parse(Json.writePretty(value))).isEqualTo(value);
  }

  @Test
  void keepsTheOrderOfObjectKeys() {
    Map<String, Object> parsed = Json.parseObject("{\"z\": 1, \"a\": 2, \"m\": 3}");

    assertThat(parsed).containsExactly(Map.entry("z", 1L), Map.entry("a", 2L), Map.entry("m", 3L));
    assertThat(Json.write(parsed)).isEqualTo("{\"z\":1,\"a\":2,\"m\":3}");
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    String text = "q\"b\\n\nr\rt\tb\bf\fnul\u0000us\u001fls\u2028ps\u2029/é😀";

    String written = Json.write(text);

    assertThat(written)
        .isEqualTo("\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\fnul\\u0000us\\u001fls\\u2028ps\\u2029/é😀\"");
    assertThat(written.chars().filter(c -> c < 0x20)).isEmpty();
    assertThat(Json.parse(written)).isEqualTo(text);
  }

  @Test
  void readsEveryEscapeJsonDefines() {
    assertThat(Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""))
        .isEqualTo("\" \\ / \b \f \n \r \t");
  }

  @Test
  void readsUnicodeEscapesIncludingSurrogatePairs() {
    assertThat(Json.parse("\"\\u0041\\u00e9\\u00E9\\u0000\"")).isEqualTo("Aéé\u0000");
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
  }

  @Test
  void integralNumbersAreLongsAndOthersDoubles() {
    @SuppressWarnings("unchecked")
    List<Object> numbers =
        (List<Object>) Json.parse("[0, -7, 9223372036854775807, 1.5, -0.25, 1e3, 2E-2, 1.0]");

    assertThat(numbers).containsExactly(0L, -7L, Long.MAX_VALUE, 1.5, -0.25, 1000.0, 0.02, 1.0);
    assertThat(numbers.subList(0, 3)).allSatisfy(n -> assertThat(n).isInstanceOf(Long.class));
    assertThat(numbers.subList(3, 8)).allSatisfy(n -> assertThat(n).isInstanceOf(Double.class));
  }

  @Test
  void writesAnyNumberAndNonFiniteFloatingPointAsNull() {
    assertThat(Json.write(List.of(1, 2L, (short) 3, 1.5, 2.5f))).isEqualTo("[1,2,3,1.5,2.5]");
    assertThat(
            Json.write(
                array(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN)))
        .isEqualTo("[null,null,null,null]");
  }

  enum Colour {
    DEEP_RED
  }

  @Test
  void writesEnumsByNameAndObjectArraysAsArrays() {
    assertThat(
            Json.write(
                object(
                    "colour",
                    Colour.DEEP_RED,
                    "items",
                    new Object[] {"a", 1},
                    "empty",
                    new Object[0])))
        .isEqualTo("{\"colour\":\"DEEP_RED\",\"items\":[\"a\",1],\"empty\":[]}");
  }

  @Test
  void skipsWhitespaceAroundValues() {
    assertThat(Json.parse(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\n "))
        .isEqualTo(object("a", List.of(1L, 2L), "b", object()));
  }

  @Test
  void writePrettyIndentsByTwoSpacesPerLevel() {
    Map<String, Object> value =
        object("a", 1L, "b", List.of(1L, object("c", "d")), "e", object(), "f", List.of());

    assertThat(Json.writePretty(value))
        .isEqualTo(
            String.join(
                "\n",
                "{",
                "  \"a\": 1,",
                "  \"b\": [",
                "    1,",
                "    {",
                "      \"c\": \"d\"",
                "    }",
                "  ],",
                "  \"e\": {},",
                "  \"f\": []",
                "}"));
  }

  @Test
  void compactWriteHasNoWhitespace() {
    assertThat(Json.write(object("a", List.of(1L, 2L), "b", object("c", null))))
        .isEqualTo("{\"a\":[1,2],\"b\":{\"c\":null}}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`{\"a\":1} x`       | 8 | unexpected text after the JSON value",
        "`[1] [2]`           | 4 | unexpected text after the JSON value",
        "`truex`             | 4 | unexpected text after the JSON value",
        "`\"abc`             | 4 | unterminated string",
        "`{\"key`            | 5 | unterminated string",
        "`\"ab\\`            | 4 | unterminated escape",
        "`tru`               | 0 | expected true",
        "`[nul]`             | 1 | expected null",
        "`{\"a\": fals}`     | 6 | expected false",
        "`[1,2`              | 4 | expected ']'",
        "`[1,]`              | 3 | unexpected character ']'",
        "`{\"a\":1,}`        | 7 | expected a string key",
        "`{\"a\" 1}`         | 5 | expected ':'",
        "`{'a':1}`           | 1 | expected a string key",
        "`\"\\x\"`           | 3 | bad escape '\\x'",
        "`\"\\u12\"`         | 3 | short unicode escape",
        "`\"\\u12G4\"`       | 3 | bad unicode escape",
        "`-`                 | 0 | bad number '-'",
        "`1e`                | 0 | bad number '1e'",
        "`99999999999999999999` | 0 | bad number '99999999999999999999'",
        "`hello`             | 0 | unexpected character 'h'",
        "`   `               | 3 | unexpected end of input",
        "``                  | 0 | unexpected end of input",
      })
  void rejectsMalformedTextNamingTheOffset(String text, int offset, String what) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid JSON at offset " + offset + ": " + what);
  }

  @Test
  void rejectsRawControlCharactersInStrings() {
    assertThatThrownBy(() -> Json.parse("\"a\u0001b\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character in string");
    assertThatThrownBy(() -> Json.parse("\"line\nbreak\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character in string");
  }

  @Test
  void controlCharacterErrorPointsAtTheCharacter() {
    assertThatThrownBy(() -> Json.parse("\"a\u0001b\""))
        .hasMessage("invalid JSON at offset 2: control character in string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\u+041\"", "\"\\u-041\""})
  void rejectsSignedUnicodeEscapes(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad unicode escape");
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "-01", "1.", "-.5", "1.e5"})
  void rejectsNumbersJsonDoesNotAllow(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad number");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`[1, 2]`  | an array",
        "`\"s\"`   | a string",
        "`true`    | a boolean",
        "`null`    | null",
        "`7`       | a long",
        "`7.5`     | a double",
      })
  void parseObjectRejectsOtherValuesSayingWhatItGot(String text, String description) {
    assertThatThrownBy(() -> Json.parseObject(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a JSON object but got " + description);
  }

  @Test
  void parseObjectReturnsTheObject() {
    assertThat(Json.parseObject("{\"a\":{\"b\":[]}}"))
        .isEqualTo(object("a", object("b", List.of())));
  }
}
