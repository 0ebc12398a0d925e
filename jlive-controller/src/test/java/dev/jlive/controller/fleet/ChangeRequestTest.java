package dev.jlive.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import org.junit.jupiter.api.Test;

/** Issue 10: a change posted to a service is checked as strictly as an agent checks its spec. */
class ChangeRequestTest {

  private static JLiveException refused(String json) {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> ChangeRequest.read(Json.parseObject(json)));
    assertThat(e).as(json).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @Test
  void aTypoInTheSpecIsRefusedWithTheNearestName() {
    JLiveException e =
        refused(
            "{\"kind\": \"probe\", \"spec\": {\"selector\": \"com.acme.Cart#add\", \"kind\": \"count\", \"wiat\": true}}");

    assertThat(e.getMessage()).isEqualTo("the probe spec has an unknown field 'wiat'");
    assertThat(e.hint()).startsWith("did you mean 'wait'?");
  }

  @Test
  void wrongTypesAreRefusedNamingTheField() {
    assertThat(
            refused("{\"kind\": \"patch\", \"spec\": {\"sources\": [], \"dryRun\": \"true\"}}")
                .getMessage())
        .isEqualTo("the patch spec: 'dryRun' must be true or false, not the string \"true\"");
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"com.acme.Cart#add\", \"kind\": \"count\", \"appLog\": \"false\"}}")
                .getMessage())
        .isEqualTo("the probe spec: 'appLog' must be true or false, not the string \"false\"");
    assertThat(refused("{\"kind\": \"patch\", \"spec\": {\"sources\": [1]}}").getMessage())
        .isEqualTo("the patch spec: 'sources' must be an array of objects; item 0 is the number 1");
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"a#b\", \"kind\": \"count\"}, \"where\": {\"zone\": 1}}")
                .getMessage())
        .isEqualTo("the change: label 'zone' in 'where' must be a string, not 1");
    assertThat(
            refused(
                    "{\"kind\": [\"probe\"], \"spec\": {\"selector\": \"a#b\", \"kind\": \"count\"}}")
                .getMessage())
        .isEqualTo("the change: 'kind' must be a string, not an array");
  }

  @Test
  void anUnknownFieldOfTheChangeIsRefused() {
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"a#b\", \"kind\": \"count\"}, \"were\": {}}")
                .hint())
        .startsWith("did you mean 'where'?");
  }

  @Test
  void aRealDryRunIsStillRefusedForAService() {
    assertThat(
            refused(
                    "{\"kind\": \"patch\", \"spec\": {\"sources\": [{\"name\": \"A.java\", \"code\": \"class A {}\"}],"
                        + " \"dryRun\": true}}")
                .getMessage())
        .isEqualTo("a dry run cannot be sent to a service");
  }

  /**
   * Issue 11: the controller checks a spec with the agent's own record, so a bad one never reaches
   * a process.
   */
  @Test
  void aBadSelectorKindOrBudgetIsRefusedBeforeStoring() {
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"com.acme.Cart\", \"kind\": \"count\"}}")
                .getMessage())
        .isEqualTo("'com.acme.Cart' is not a method selector: it needs CLASS#METHOD");
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"a.B#c\", \"kind\": \"counts\"}}")
                .getMessage())
        .isEqualTo("the probe spec: 'counts' is not a valid kind");
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"a.B#c\", \"kind\": \"count\", \"ratePerSecond\": 0}}")
                .getMessage())
        .isEqualTo("the probe spec: 'ratePerSecond' must be from 1 to 1000000, not 0");
    assertThat(
            refused(
                    "{\"kind\": \"probe\", \"spec\": {\"selector\": \"a.B#c\", \"kind\": \"metrics\", \"at\": \"exit\"}}")
                .getMessage())
        .isEqualTo("metrics probes cover whole calls; --at does not apply");
    assertThat(refused("{\"kind\": \"patch\", \"spec\": {\"method\": \"a.B#c\"}}").getMessage())
        .isEqualTo("a single-method patch needs both the method and its new source");
  }

  @Test
  void aWellTypedChangeIsRead() {
    ChangeRequest change =
        ChangeRequest.read(
            Json.parseObject(
                "{\"kind\": \"probe\", \"spec\": {\"selector\": \"com.acme.Cart#add\", \"kind\": \"metrics\", \"wait\": true}, \"where\": {\"zone\": \"eu\"}}"));

    assertThat(change.kind()).isEqualTo("probe");
    assertThat(change.spec()).containsEntry("wait", true);
  }
}
