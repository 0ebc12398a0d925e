package dev.jlive.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSettingsTest {

  @Test
  void withoutAControllerThereIsNoLink() {
    assertThat(FleetSettings.from(Map.of(), Map.of())).isNull();
    // Service and labels in the environment alone change nothing: the agent works alone.
    assertThat(
            FleetSettings.from(Map.of(), Map.of("JLIVE_SERVICE", "shop", "JLIVE_LABELS", "zone=a")))
        .isNull();
  }

  @Test
  void readsTheOptions() {
    FleetSettings settings =
        FleetSettings.from(
            Map.of(
                "controller",
                "https://ctl.example:7070/",
                "service",
                "shop",
                "labels",
                "zone=eu-west-1;tier=web",
                "controllerTokenFile",
                "/etc/jlive/ctl"),
            Map.of());

    assertThat(settings.controller()).isEqualTo(URI.create("https://ctl.example:7070"));
    assertThat(settings.service()).isEqualTo("shop");
    assertThat(settings.labels())
        .containsExactly(
            Map.entry("tier", "web"), Map.entry("zone", "eu-west-1")); // sorted by name
    assertThat(settings.tokenFile()).isEqualTo(Paths.get("/etc/jlive/ctl"));
    assertThat(settings.token()).isNull();
    assertThat(settings.childOptions())
        .isEqualTo(
            "controller=https://ctl.example:7070,service=shop,labels=tier=web;zone=eu-west-1,controllerTokenFile=/etc/jlive/ctl");
  }

  @Test
  void theEnvironmentStandsInForAbsentOptions() {
    Map<String, String> env =
        Map.of(
            "JLIVE_CONTROLLER",
            "https://ctl:7070",
            "JLIVE_SERVICE",
            "shop",
            "JLIVE_LABELS",
            "zone=a",
            "JLIVE_CONTROLLER_TOKEN",
            "s3cret",
            "JLIVE_CONTROLLER_TOKEN_FILE",
            "/ignored");
    FleetSettings settings = FleetSettings.from(Map.of(), env);

    assertThat(settings.controller()).isEqualTo(URI.create("https://ctl:7070"));
    assertThat(settings.service()).isEqualTo("shop");
    assertThat(settings.labels()).containsExactly(Map.entry("zone", "a"));
    assertThat(settings.token()).isEqualTo("s3cret");
    assertThat(settings.readToken()).isEqualTo("s3cret");
    // The token itself is never written into a child's command line: the child inherits the
    // environment.
    assertThat(settings.childOptions())
        .isEqualTo("controller=https://ctl:7070,service=shop,labels=zone=a");

    // An option wins over its variable.
    FleetSettings mixed =
        FleetSettings.from(Map.of("service", "billing", "controllerTokenFile", "/t"), env);
    assertThat(mixed.service()).isEqualTo("billing");
    assertThat(mixed.tokenFile()).isEqualTo(Paths.get("/t"));
    assertThat(mixed.token()).isNull();

    FleetSettings byFile =
        FleetSettings.from(
            Map.of(),
            Map.of(
                "JLIVE_CONTROLLER",
                "https://ctl",
                "JLIVE_SERVICE",
                "shop",
                "JLIVE_CONTROLLER_TOKEN_FILE",
                "/run/token"));
    assertThat(byFile.tokenFile()).isEqualTo(Paths.get("/run/token"));
  }

  @Test
  void readsTheTokenFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  abc123  \nsecond line\n");
    assertThat(settings("controllerTokenFile", file.toString()).readToken()).isEqualTo("abc123");

    JLiveException missing =
        catchThrowableOfType(
            JLiveException.class,
            () -> settings("controllerTokenFile", dir.resolve("nope").toString()).readToken());
    assertThat(missing.getMessage()).startsWith("cannot read controller token file");
    assertThat(missing.hint()).contains("controllerTokenFile");

    Files.writeString(file, "\n \n");
    assertThat(
            catchThrowableOfType(
                    JLiveException.class,
                    () -> settings("controllerTokenFile", file.toString()).readToken())
                .getMessage())
        .endsWith("is empty");
  }

  @Test
  void refusesWhatCannotWork() {
    assertRefused(
        Map.of("service", "shop"), "agent option service needs a controller", "add controller=");
    assertRefused(
        Map.of("controller", "https://ctl", "controllerTokenFile", "/t"),
        "a controller needs the service",
        "service=NAME");
    assertRefused(
        Map.of("controller", "https://ctl", "service", "shop"),
        "a controller needs its token",
        "JLIVE_CONTROLLER_TOKEN");
    assertRefused(
        Map.of("controller", "ftp://ctl", "service", "shop", "controllerTokenFile", "/t"),
        "is not an http or https URL",
        "controller=https://");
    assertRefused(
        Map.of("controller", "ctl:7070", "service", "shop", "controllerTokenFile", "/t"),
        "is not an http or https URL",
        "controller=https://");
    assertRefused(
        Map.of("controller", "https://ctl", "service", "my shop", "controllerTokenFile", "/t"),
        "service name 'my shop' is not valid",
        "letters, digits");
    assertRefused(
        Map.of(
            "controller",
            "https://ctl",
            "service",
            "shop",
            "labels",
            "zone",
            "controllerTokenFile",
            "/t"),
        "label 'zone' has no value",
        "key=value");
    assertRefused(
        Map.of(
            "controller",
            "https://ctl",
            "service",
            "shop",
            "labels",
            "zone=;a=b",
            "controllerTokenFile",
            "/t"),
        "label 'zone=' has no value",
        "key=value");
    assertRefused(
        Map.of(
            "controller",
            "https://ctl",
            "service",
            "shop",
            "labels",
            "-zone=a",
            "controllerTokenFile",
            "/t"),
        "label key '-zone' is not valid",
        "letters, digits");
  }

  @Test
  void refusesPlainHttpToAnotherMachineUnlessAllowed() {
    // 192.0.2.1 is TEST-NET-1: another machine by its literal address, no name lookup needed.
    assertRefused(
        Map.of(
            "controller", "http://192.0.2.1:7611", "service", "shop", "controllerTokenFile", "/t"),
        "refusing plain http:// to the controller at 192.0.2.1",
        "allowPlainHttp=true");
    FleetSettings allowed =
        FleetSettings.from(
            Map.of(
                "controller",
                "http://192.0.2.1:7611",
                "service",
                "shop",
                "controllerTokenFile",
                "/t",
                "allowPlainHttp",
                "true"),
            Map.of());
    assertThat(allowed.plainHttpAllowed()).isTrue();
    // A child JVM gets the same permission, or it could not join the same controller.
    assertThat(allowed.childOptions()).endsWith(",allowPlainHttp=true");
    // This machine needs no permission: nothing crosses the network.
    for (String local : new String[] {"http://127.0.0.1:7611", "http://localhost:7611"}) {
      assertThat(
              FleetSettings.from(
                      Map.of("controller", local, "service", "shop", "controllerTokenFile", "/t"),
                      Map.of())
                  .controller())
          .hasToString(local);
    }
  }

  @Test
  void severalControllersAreTriedInOrderAndPassToChildJvmsWhole() {
    FleetSettings settings =
        FleetSettings.from(
            Map.of(
                "controller",
                "https://ctl-a:7070/|https://ctl-b:7070",
                "service",
                "shop",
                "controllerTokenFile",
                "/t"),
            Map.of());
    assertThat(settings.controllers())
        .containsExactly(URI.create("https://ctl-a:7070"), URI.create("https://ctl-b:7070"));
    assertThat(settings.controller()).isEqualTo(URI.create("https://ctl-a:7070"));
    assertThat(settings.childOptions())
        .startsWith("controller=https://ctl-a:7070|https://ctl-b:7070,service=shop");
    assertThat(
            FleetSettings.from(
                    Map.of("service", "shop", "controllerTokenFile", "/t"),
                    Map.of("JLIVE_CONTROLLER", "https://ctl-a|https://ctl-b"))
                .controllers())
        .hasSize(2);
  }

  @Test
  void aBadControllerAmongSeveralIsNamed() {
    assertRefused(
        Map.of(
            "controller",
            "https://ctl-a:7070|ftp://ctl-b",
            "service",
            "shop",
            "controllerTokenFile",
            "/t"),
        "controller 'ftp://ctl-b' is not an http or https URL",
        "controller=https://");
    // Each URL follows the plain-HTTP rule on its own: the second goes to another machine.
    assertRefused(
        Map.of(
            "controller",
            "http://127.0.0.1:7611|http://192.0.2.1:7611",
            "service",
            "shop",
            "controllerTokenFile",
            "/t"),
        "refusing plain http:// to the controller at 192.0.2.1",
        "allowPlainHttp=true");
    assertRefused(
        Map.of(
            "controller",
            "https://ctl-a||https://ctl-b",
            "service",
            "shop",
            "controllerTokenFile",
            "/t"),
        "has an empty URL between its '|'",
        "one URL per controller");
    assertRefused(
        Map.of(
            "controller",
            "https://ctl-a|https://ctl-a/",
            "service",
            "shop",
            "controllerTokenFile",
            "/t"),
        "names https://ctl-a twice",
        "name each controller once");
  }

  @Test
  void aTrustStoreThatIsNoCertificateFailsTheStartWithWhatToGive(@TempDir Path dir)
      throws Exception {
    Path notACertificate = Files.writeString(dir.resolve("ctl.pem"), "hello");
    FleetSettings settings =
        FleetSettings.from(
            Map.of(
                "controller",
                "https://ctl",
                "service",
                "shop",
                "controllerTokenFile",
                "/t",
                "controllerTrustStore",
                notACertificate.toString()),
            Map.of());
    assertThat(settings.childOptions()).endsWith(",controllerTrustStore=" + notACertificate);
    JLiveException e = catchThrowableOfType(JLiveException.class, settings::socketFactory);
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("cannot read controllerTrustStore " + notACertificate);
    assertThat(e.hint()).contains("PEM");
  }

  private static FleetSettings settings(String key, String value) {
    return FleetSettings.from(
        Map.of("controller", "https://ctl", "service", "shop", key, value), Map.of());
  }

  private static void assertRefused(Map<String, String> options, String message, String hint) {
    JLiveException e =
        catchThrowableOfType(JLiveException.class, () -> FleetSettings.from(options, Map.of()));
    assertThat(e).as(options.toString()).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains(message);
    assertThat(e.hint()).contains(hint);
  }

  @Test
  void theControllerKeyAndLocalChangesDenyPassToChildJvms() {
    FleetSettings settings =
        FleetSettings.from(
            Map.of(
                "controller",
                "https://ctl:7070",
                "service",
                "shop",
                "controllerTokenFile",
                "/etc/jlive/ctl",
                "controllerKey",
                "/etc/jlive/controller.pub",
                "localChanges",
                "deny"),
            Map.of());
    assertThat(settings.controllerKey()).isEqualTo(Paths.get("/etc/jlive/controller.pub"));
    assertThat(settings.localChangesDenied()).isTrue();
    assertThat(settings.childOptions())
        .endsWith(",controllerKey=/etc/jlive/controller.pub,localChanges=deny");
    // The key file may come from the environment.
    assertThat(
            FleetSettings.from(
                    Map.of("controller", "https://ctl:7070", "service", "shop"),
                    Map.of(
                        "JLIVE_CONTROLLER_TOKEN",
                        "t0ken",
                        "JLIVE_CONTROLLER_KEY_FILE",
                        "/keys/ctl.pub"))
                .controllerKey())
        .isEqualTo(Paths.get("/keys/ctl.pub"));
  }

  @Test
  void localChangesDenyNeedsAControllerAndAKnownValue() {
    JLiveException alone =
        catchThrowableOfType(
            () -> FleetSettings.from(Map.of("localChanges", "deny"), Map.of()),
            JLiveException.class);
    assertThat(alone.getMessage()).startsWith("agent option localChanges needs a controller");
    JLiveException unknown =
        catchThrowableOfType(
            () ->
                FleetSettings.from(
                    Map.of(
                        "controller",
                        "https://ctl:7070",
                        "service",
                        "shop",
                        "controllerTokenFile",
                        "/t",
                        "localChanges",
                        "refuse"),
                    Map.of()),
            JLiveException.class);
    assertThat(unknown.getMessage())
        .isEqualTo("agent option localChanges=refuse is not allow or deny");
  }
}
