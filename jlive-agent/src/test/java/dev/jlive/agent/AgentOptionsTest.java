package dev.jlive.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.agent.probe.ProbeLimits;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.RuntimeDirectory;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentOptionsTest {

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @NullAndEmptySource
  @ValueSource(strings = {"  ", ",", " , ,"})
  void defaultsToAQuietlessLoopbackEndpointOnAFreePort(String text) {
    AgentOptions options = AgentOptions.parse(text);

    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isZero();
    assertThat(options.quiet()).isFalse();
    assertThat(options.tokenFile()).isNull();
    assertThat(options.runtimeDir()).isEqualTo(RuntimeDirectory.resolve());
  }

  @Test
  void aKeyWithoutValueIsTrue() {
    AgentOptions options = AgentOptions.parse("port=7000,quiet");

    assertThat(options.port()).isEqualTo(7000);
    assertThat(options.quiet()).isTrue();
    assertThat(options.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void readsEveryKey() {
    AgentOptions options =
        AgentOptions.parse(
            " host = 0.0.0.0 , port=65535,runtimeDir=/run/jlive,tokenFile=/etc/jlive/token,quiet=false");

    assertThat(options)
        .isEqualTo(
            new AgentOptions(
                "0.0.0.0", 65535, Paths.get("/run/jlive"), Paths.get("/etc/jlive/token"), false));
  }

  @Test
  void theCompilerWarmUpIsOnByDefaultAndCanBeSwitchedOff() {
    assertThat(AgentOptions.parse("").warmCompiler()).isTrue();
    assertThat(AgentOptions.parse("warmCompiler=false").warmCompiler()).isFalse();
  }

  @Test
  void aLaterValueOverridesAnEarlierOne() {
    assertThat(AgentOptions.parse("port=1,port=2").port()).isEqualTo(2);
  }

  @Test
  void anUnknownKeyIsRejectedNamingItAndTheKnownKeys() {
    JLiveException e =
        catchThrowableOfType(
            JLiveException.class, () -> AgentOptions.parse("port=7000,verbose=true"));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("unknown agent option 'verbose'");
    assertThat(e.hint())
        .endsWith(
            "known keys: allowPlainHttp, controller, controllerKey, controllerTokenFile, controllerTrustStore, host, labels, localChanges, maxProbes, maxProbesPerMethod, port, quiet, runtimeDir, service, tokenFile, warmCompiler");
  }

  @Test
  void keysAreCaseSensitive() {
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> AgentOptions.parse("Port=7000"));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("'Port'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "99999999999", "abc", "", "70 00", "0x10"})
  void aPortOutOfRangeOrNotANumberIsRejected(String port) {
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> AgentOptions.parse("port=" + port));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage())
        .isEqualTo("agent option port=" + port.trim() + " is not a port number");
    assertThat(e.hint()).contains("65535").contains("0");
  }

  @Test
  void aControllerLinksTheAgentAndGivesChildJvmsItsOptions() {
    AgentOptions options =
        AgentOptions.parse(
            "controller=https://ctl:7070,service=shop,labels=zone=a;tier=web,"
                + "controllerTokenFile=/etc/ctl,port=7000,tokenFile=/etc/local,runtimeDir=/run/jlive,quiet",
            Map.of());

    assertThat(options.port()).isEqualTo(7000);
    assertThat(options.fleet().service()).isEqualTo("shop");
    assertThat(options.fleet().labels()).containsEntry("tier", "web");
    // The child picks its own endpoint: no port, host or token file of this one.
    assertThat(options.childOptions())
        .isEqualTo(
            "controller=https://ctl:7070,service=shop,labels=tier=web;zone=a,controllerTokenFile=/etc/ctl,runtimeDir=/run/jlive,quiet");
  }

  @Test
  void theControllerMayComeFromTheEnvironment() {
    AgentOptions options =
        AgentOptions.parse(
            "port=7000",
            Map.of(
                "JLIVE_CONTROLLER",
                "https://ctl",
                "JLIVE_SERVICE",
                "shop",
                "JLIVE_CONTROLLER_TOKEN",
                "t"));
    assertThat(options.fleet().controller()).hasToString("https://ctl");
    assertThat(options.childOptions()).isEqualTo("controller=https://ctl,service=shop,quiet");

    assertThat(AgentOptions.parse("port=7000", Map.of()).fleet()).isNull();
    assertThat(AgentOptions.parse("port=7000", Map.of()).childOptions()).isNull();
  }

  @Test
  void probeLimitsHaveDefaultsAndCanBeSet() {
    assertThat(AgentOptions.parse("", Map.of()).probeLimits()).isEqualTo(ProbeLimits.DEFAULT);
    assertThat(AgentOptions.parse("maxProbes=3,maxProbesPerMethod=2", Map.of()).probeLimits())
        .isEqualTo(new ProbeLimits(3, 2));
    assertThat(
            catchThrowableOfType(
                    JLiveException.class, () -> AgentOptions.parse("maxProbes=lots", Map.of()))
                .getMessage())
        .isEqualTo("agent option maxProbes=lots is not a whole number");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> AgentOptions.parse("maxProbesPerMethod=0", Map.of()))
                .getMessage())
        .contains("must be at least 1");
  }
}
