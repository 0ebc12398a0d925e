package dev.jlive.agent.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarIndexTest {
  @TempDir Path tmp;

  @Test
  void listsClassesOfJarsWithoutDirectoryEntries() throws Exception {
    Path classes =
        Fixtures.compileTo(
            tmp.resolve("classes"),
            Map.of(
                "a.b.Outer", "package a.b; public class Outer { class Inner {} }",
                "a.Top", "package a; public class Top {}"));
    Path jar = Fixtures.jar(classes, tmp.resolve("x.jar"), false, null);

    JarIndex index = JarIndex.of(jar);

    assertThat(index.classFiles("a.b"))
        .containsExactlyInAnyOrder("Outer.class", "Outer$Inner.class");
    assertThat(index.classFiles("a")).containsExactly("Top.class");
    assertThat(index.classFiles("a.c")).isEmpty();
    assertThat(JarIndex.of(jar)).as("cached").isSameAs(index);
  }

  @Test
  void multiReleaseClassesCountFromTheirVersionOn() throws Exception {
    Path classes =
        Fixtures.compileTo(
            tmp.resolve("classes"), Map.of("m.Base", "package m; public class Base {}"));
    Path versioned =
        Fixtures.compileTo(
            tmp.resolve("versions"), Map.of("m.New", "package m; public class New {}"));
    Path layout = Files.createDirectories(classes.resolve("META-INF/versions/11/m"));
    Files.copy(versioned.resolve("m/New.class"), layout.resolve("New.class"));
    Files.createDirectories(classes.resolve("META-INF/versions/9999/m"));
    Files.copy(
        versioned.resolve("m/New.class"), classes.resolve("META-INF/versions/9999/m/Future.class"));
    Manifest manifest = Fixtures.manifest(null);
    manifest.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");

    JarIndex index = JarIndex.of(Fixtures.jar(classes, tmp.resolve("mr.jar"), true, manifest));

    assertThat(index.classFiles("m")).containsExactlyInAnyOrder("Base.class", "New.class");
    assertThat(index.packages()).doesNotContainKey("META-INF.versions.11.m");
  }

  @Test
  void readsTheManifestClassPath() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path jar =
        Fixtures.jar(empty, tmp.resolve("l.jar"), false, Fixtures.manifest("a.jar  lib/b.jar"));

    assertThat(JarIndex.of(jar).classPath()).containsExactly("a.jar", "lib/b.jar");
  }

  @Test
  void findsTheFileThatHoldsAJarUrl() throws Exception {
    Path jar = Files.createFile(tmp.resolve("app.jar"));
    String file = jar.toUri().toString();

    assertThat(JarIndex.outerFile(new URL("jar:" + file + "!/"))).contains(jar);
    assertThat(JarIndex.outerFile(new URL("jar:" + file + "!/BOOT-INF/lib/x.jar!/"))).contains(jar);
    assertThat(JarIndex.outerFile(new URL("jar:" + file + "!/BOOT-INF/classes/"))).contains(jar);
    assertThat(JarIndex.outerFile(new URL("jar:file:" + tmp.resolve("missing.jar") + "!/")))
        .isEmpty();
  }
}
