package dev.jlive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeDirectoryTest {

  private static final Path DEFAULT = Paths.get(System.getProperty("java.io.tmpdir"), "jlive-" + System.getProperty("user.name"));

  @Test
  void thePropertyBeatsTheEnvironment() {
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), "/from/property"))
        .isEqualTo(Paths.get("/from/property"));
  }

  @Test
  void theEnvironmentBeatsTheDefault() {
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), null)).isEqualTo(Paths.get("/from/env"));
  }

  @Test
  void aBlankPropertyFallsBackToTheEnvironment() {
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, "/from/env"), "  ")).isEqualTo(Paths.get("/from/env"));
  }

  @Test
  void withNeitherItIsAPerUserFolderInTheTempDirectory() {
    assertThat(RuntimeDirectory.resolve(Map.of(), null)).isEqualTo(DEFAULT);
    assertThat(RuntimeDirectory.resolve(Map.of(RuntimeDirectory.ENV, ""), "")).isEqualTo(DEFAULT);
    assertThat(RuntimeDirectory.resolve(Map.of("OTHER", "/x"), null)).isEqualTo(DEFAULT);
  }
}
