package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrictObjectTest {
  private static final Set<String> FIELDS =
      Set.of("dryRun", "timeoutMillis", "name", "also", "sources");

  private static StrictObject read(String json) {
    return new StrictObject(Json.parseObject(json), "the request", FIELDS);
  }

  @Test
  void aStringIsNotABoolean() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class,
            () -> read("{\"dryRun\": \"true\"}").optionalBoolean("dryRun", false));

    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo("the request: 'dryRun' must be true or false, not the string \"true\"");
    assertThat(e.hint()).isEqualTo("send e.g. {\"dryRun\": true}");
  }

  @Test
  void typedFieldsReadTheirValuesAndDefaults() {
    StrictObject body =
        read("{\"dryRun\": false, \"timeoutMillis\": 10, \"name\": \"x\", \"also\": [\"a\"]}");

    assertThat(body.optionalBoolean("dryRun", true)).isFalse();
    assertThat(body.optionalLong("timeoutMillis", 5, 1, 100)).isEqualTo(10);
    assertThat(body.optionalString("name")).isEqualTo("x");
    assertThat(body.optionalStrings("also")).containsExactly("a");
    assertThat(body.optionalObjects("sources", Set.of())).isEmpty();
    assertThat(read("{}").optionalLong("timeoutMillis", 5, 1, 100)).isEqualTo(5);
  }

  @Test
  void numbersAreNumbersInRange() {
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () ->
                        read("{\"timeoutMillis\": \"10\"}")
                            .optionalLong("timeoutMillis", 5, 1, 100))
                .getMessage())
        .contains("'timeoutMillis' must be a whole number from 1 to 100, not the string \"10\"");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> read("{\"timeoutMillis\": 1.5}").optionalLong("timeoutMillis", 5, 1, 100))
                .getMessage())
        .contains("not the number 1.5");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> read("{\"timeoutMillis\": 101}").optionalLong("timeoutMillis", 5, 1, 100))
                .getMessage())
        .contains("must be from 1 to 100, not 101");
  }

  @Test
  void anUnknownFieldIsRefusedWithTheNearestName() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> read("{\"dryrun\": true}").rejectUnknown());

    assertThat(e.getMessage()).isEqualTo("the request has an unknown field 'dryrun'");
    assertThat(e.hint())
        .startsWith(
            "did you mean 'dryRun'? known fields: also, dryRun, name, sources, timeoutMillis");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class, () -> read("{\"zzzzzzzz\": 1}").rejectUnknown())
                .hint())
        .startsWith("known fields:");
  }

  @Test
  void listItemsHaveTheirOwnTypes() {
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> read("{\"sources\": [1]}").optionalObjects("sources", Set.of("name")))
                .getMessage())
        .contains("'sources' must be an array of objects; item 0 is the number 1");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () ->
                        read("{\"sources\": [{\"nme\": \"a\"}]}")
                            .optionalObjects("sources", Set.of("name")))
                .hint())
        .startsWith("did you mean 'name'?");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> read("{\"also\": [\"a\", null]}").optionalStrings("also"))
                .getMessage())
        .contains("'also' must be an array of strings; item 1 is null");
    assertThat(new StrictObject(Map.of("also", List.of()), "x", FIELDS).optionalStrings("also"))
        .isEmpty();
  }
}
