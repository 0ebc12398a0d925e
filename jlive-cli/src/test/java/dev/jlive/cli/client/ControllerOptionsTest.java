package dev.jlive.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllerOptionsTest {
  @TempDir Path dir;

  private static ControllerOptions options(String... args) {
    ControllerOptions options = new ControllerOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void optionsComeFirst() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), " abc \n");
    Map<String, String> env =
        Map.of("JLIVE_CONTROLLER", "http://other:1", "JLIVE_CONTROLLER_TOKEN", "env-token");

    ControllerEndpoint endpoint =
        options("--controller", "https://ctl:7080/", "--controller-token-file", file.toString())
            .resolve(env::get);

    assertThat(endpoint.base()).isEqualTo(URI.create("https://ctl:7080"));
    assertThat(endpoint.token()).isEqualTo("abc");
  }

  @Test
  void theEnvironmentGivesTheControllerAndItsTokenOrTokenFile() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "from-file");

    assertThat(
            options()
                .resolve(
                    Map.of("JLIVE_CONTROLLER", "ctl:7080", "JLIVE_CONTROLLER_TOKEN", "t")::get))
        .isEqualTo(new ControllerEndpoint(URI.create("https://ctl:7080"), "t"));
    assertThat(
            options()
                .resolve(
                    Map.of(
                            "JLIVE_CONTROLLER",
                            "https://ctl/jlive",
                            "JLIVE_CONTROLLER_TOKEN_FILE",
                            file.toString())
                        ::get))
        .isEqualTo(new ControllerEndpoint(URI.create("https://ctl/jlive"), "from-file"));
  }

  @Test
  void withoutATokenTheErrorSaysWhereTheControllerWritesIt() {
    CliException e =
        catchThrowableOfType(
            CliException.class,
            () ->
                options("--controller", "https://ctl:7080").resolve(Map.<String, String>of()::get));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage())
        .contains(
            "--controller-token-file", "JLIVE_CONTROLLER_TOKEN", "JLIVE_CONTROLLER_TOKEN_FILE");
    assertThat(e.hint()).contains("<data dir>/token");
  }

  @Test
  void withoutAControllerTheErrorNamesTheOptionAndTheVariable() {
    CliException e =
        catchThrowableOfType(
            CliException.class, () -> options().resolve(Map.<String, String>of()::get));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).contains("--controller URL", "JLIVE_CONTROLLER");
  }

  @Test
  void aMissingOrEmptyTokenFileIsAUsageError() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");

    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () ->
                        options(
                                "--controller",
                                "h:1",
                                "--controller-token-file",
                                dir.resolve("missing").toString())
                            .resolve(Map.<String, String>of()::get))
                .getMessage())
        .contains("cannot read controller token file");
    assertThat(
            catchThrowableOfType(
                    CliException.class,
                    () ->
                        options("--controller", "h:1", "--controller-token-file", empty.toString())
                            .resolve(Map.<String, String>of()::get))
                .getMessage())
        .contains("is empty");
  }

  @Test
  void somethingThatIsNotAnHttpAddressIsRefused() {
    CliException e =
        catchThrowableOfType(
            CliException.class,
            () ->
                options("--controller", "ftp://x")
                    .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).contains("is not a controller address");
  }

  @Test
  void plainHttpToAnotherMachineIsRefusedUnlessAllowed() {
    // 192.0.2.1 is TEST-NET-1: another machine by its literal address, no name lookup needed.
    CliException e =
        catchThrowableOfType(
            CliException.class,
            () ->
                options("--controller", "http://192.0.2.1:7611")
                    .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).contains("refusing plain http:// to the controller at 192.0.2.1");
    assertThat(e.hint()).contains("https://192.0.2.1:7611", "--allow-plain-http");
    assertThat(
            options("--controller", "http://192.0.2.1:7611", "--allow-plain-http")
                .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get)
                .base())
        .hasToString("http://192.0.2.1:7611");
    // This machine needs no permission, and a bare address of another one means https.
    assertThat(
            options("--controller", "http://127.0.0.1:7611")
                .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get)
                .base())
        .hasToString("http://127.0.0.1:7611");
    assertThat(
            options("--controller", "localhost:7611")
                .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get)
                .base())
        .hasToString("http://localhost:7611");
    assertThat(
            options("--controller", "192.0.2.1:7611")
                .resolve(Map.of("JLIVE_CONTROLLER_TOKEN", "t")::get)
                .base())
        .hasToString("https://192.0.2.1:7611");
  }
}
