package dev.jlive.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jlive.demo.load.LoadOptions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void servesOnAnyFreePortByDefault() {
    CommandLine line = CommandLine.parse();

    assertThat(line.port()).isZero();
    assertThat(line.serve()).isTrue();
    assertThat(line.drivesLoad()).isFalse();
  }

  @Test
  void loadUsesDefaultsUnlessShaped() {
    CommandLine plain = CommandLine.parse("--load");
    CommandLine shaped =
        CommandLine.parse(
            "--port", "8080", "--load", "--rate", "50", "--duration", "0", "--threads", "2");

    LoadOptions defaults = plain.loadOptions(URI.create("http://127.0.0.1:1"));
    assertThat(defaults.threads()).isEqualTo(4);
    assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.ratePerSecond()).isZero();
    LoadOptions options = shaped.loadOptions(URI.create("http://127.0.0.1:8080"));
    assertThat(shaped.port()).isEqualTo(8080);
    assertThat(shaped.serve()).isTrue();
    assertThat(options.threads()).isEqualTo(2);
    assertThat(options.duration()).isZero();
    assertThat(options.ratePerSecond()).isEqualTo(50.0);
  }

  @Test
  void loadTargetDrivesLoadWithoutServing() {
    CommandLine line =
        CommandLine.parse("--load-target", "http://localhost:9000", "--threads", "1");

    assertThat(line.serve()).isFalse();
    assertThat(line.drivesLoad()).isTrue();
    assertThat(line.loadTarget()).contains(URI.create("http://localhost:9000"));
  }

  @Test
  void refusesTargetsOffLoopback() {
    assertThatThrownBy(() -> CommandLine.parse("--load-target", "http://10.1.2.3:80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> CommandLine.parse("--load-target", "https://127.0.0.1:80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://127.0.0.1:PORT");
  }

  @Test
  void refusesWhatItCannotMeanToDo() {
    assertThatThrownBy(() -> CommandLine.parse("--duration", "5"))
        .hasMessageContaining("add --load");
    assertThatThrownBy(() -> CommandLine.parse("--load", "--load-target", "http://127.0.0.1:1"))
        .hasMessageContaining("pick one");
    assertThatThrownBy(() -> CommandLine.parse("--port")).hasMessage("--port needs a value");
    assertThatThrownBy(() -> CommandLine.parse("--port", "70000")).hasMessageContaining("65535");
    assertThatThrownBy(() -> CommandLine.parse("--load", "--rate", "-1"))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> CommandLine.parse("--verbose")).hasMessageContaining("--verbose");
  }

  @Test
  void helpWinsOverEverythingElse() {
    assertThat(CommandLine.parse("--port", "1", "--help").help()).isTrue();
  }
}
