package dev.jlive.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocalJvmTest {

  private static LocalJvm started(String... commandLine) {
    return new LocalJvm(1, "u", List.of(commandLine), "17.0.2", true);
  }

  private static LocalJvm version(String javaVersion) {
    return new LocalJvm(1, "u", List.of("java"), javaVersion, true);
  }

  @Test
  void readsTheFactsOfThisJvm() {
    LocalJvm self = LocalJvm.of(ProcessHandle.current().pid()).orElseThrow();

    int feature = Runtime.version().feature();
    assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(self.isJvm()).isTrue();
    assertThat(self.user()).isEqualTo(System.getProperty("user.name"));
    assertThat(self.featureVersion()).isEqualTo(feature);
    assertThat(self.javaVersion()).startsWith(Integer.toString(feature));
    assertThat(self.commandLine()).isNotEmpty();
    assertThat(self.commandLine().get(0)).endsWith("java");
  }

  @Test
  void aProcessThatDoesNotRunHasNoFacts() {
    assertThat(LocalJvm.of(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void theMainClassFollowsTheClassPath() {
    assertThat(started("java", "-cp", "x.jar", "com.acme.Main", "arg").mainClass())
        .isEqualTo("com.acme.Main");
    assertThat(started("java", "-classpath", "x.jar", "com.acme.Main").mainClass())
        .isEqualTo("com.acme.Main");
    assertThat(started("java", "--class-path", "x.jar:y.jar", "com.acme.Main").mainClass())
        .isEqualTo("com.acme.Main");
    assertThat(started("java", "--class-path=x.jar", "com.acme.Main").mainClass())
        .isEqualTo("com.acme.Main");
  }

  @Test
  void flagsBeforeTheMainClassAreSkipped() {
    assertThat(
            started(
                    "/usr/bin/java",
                    "-Xmx1g",
                    "-Dapp.mode=prod",
                    "-XX:+UseG1GC",
                    "-javaagent:/opt/a.jar=x",
                    "--add-opens",
                    "java.base/java.lang=ALL-UNNAMED",
                    "--add-exports",
                    "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-modules",
                    "jdk.incubator.vector",
                    "com.acme.Main",
                    "-v")
                .mainClass())
        .isEqualTo("com.acme.Main");
  }

  @Test
  void aJarIsNamedByItsPath() {
    assertThat(started("java", "-jar", "app.jar").mainClass()).isEqualTo("app.jar");
    assertThat(started("java", "-Xmx1g", "-jar", "/opt/app.jar", "--port", "8080").mainClass())
        .isEqualTo("/opt/app.jar");
  }

  @Test
  void aModuleIsNamedWithItsClass() {
    assertThat(started("java", "-m", "mod/cls").mainClass()).isEqualTo("mod/cls");
    assertThat(
            started("java", "-p", "mods", "--module", "com.acme/com.acme.Main", "arg").mainClass())
        .isEqualTo("com.acme/com.acme.Main");
    assertThat(started("java", "--module-path", "mods", "-m", "com.acme").mainClass())
        .isEqualTo("com.acme");
  }

  @Test
  void withoutAMainItIsUnknown() {
    assertThat(started("java").mainClass()).isEqualTo("?");
    assertThat(started().mainClass()).isEqualTo("?");
    assertThat(started("java", "-version").mainClass()).isEqualTo("?");
    assertThat(started("java", "-jar").mainClass()).isEqualTo("?");
    assertThat(started("java", "-m").mainClass()).isEqualTo("?");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"--add-reads", "--patch-module", "--limit-modules", "--upgrade-module-path"})
  void optionsWithASeparateArgumentAreSkipped(String option) {
    assertThat(
            started("java", option, "java.base=patch.jar", "-cp", "x.jar", "com.acme.Main")
                .mainClass())
        .isEqualTo("com.acme.Main");
  }

  @ParameterizedTest(name = "''{0}'' is {1}")
  @CsvSource({
    "17.0.2,    17",
    "21,        21",
    "25-ea,     25",
    "11.0.22+7, 11",
    "1.8.0_392, 8",
    "1.7.0,     7",
    "?,         0",
    "'',        0",
  })
  void featureVersion(String javaVersion, int expected) {
    assertThat(version(javaVersion).featureVersion()).isEqualTo(expected);
  }
}
