package dev.jlive.it;

import static dev.jlive.it.support.CliRun.jlive;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jlive.it.apps.LibraryApp;
import dev.jlive.it.support.Artifacts;
import dev.jlive.it.support.CliRun;
import dev.jlive.it.support.Jdk;
import dev.jlive.it.support.TargetJvm;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * An application with its own Byte Buddy (another version than the agent's), ASM and Jackson keeps
 * working with the agent in it, and cannot see the agent's classes.
 */
class IsolationTest {
  private static final String EXPECTED_WORK =
      "work bb=made by app's byte buddy bbJar=byte-buddy-1.17.7.jar asm=dev/jlive/it/apps/LibraryApp json={\"answer\":42}";

  @Test
  void anAppWithItsOwnByteBuddyAsmAndJacksonWorksWithTheAgentAttached() throws Exception {
    String classPath =
        Artifacts.classPathWith(
            ByteBuddy.class,
            ClassReader.class,
            ObjectMapper.class,
            JsonFactory.class,
            JsonProperty.class);
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17).classPath(classPath).main(LibraryApp.class).start()) {
      assertThat(app.ask("work", "work")).isEqualTo(EXPECTED_WORK);

      CliRun attach = jlive("attach", Long.toString(app.pid()));
      assertThat(attach.exitCode()).as(attach.toString()).isZero();
      // The agent itself uses its Byte Buddy to describe the app's Byte Buddy classes.
      CliRun methods = jlive("methods", Long.toString(app.pid()), "net.bytebuddy.ByteBuddy");
      assertThat(methods.exitCode()).as(methods.toString()).isZero();
      assertThat(methods.stdout())
          .contains("net.bytebuddy.dynamic.DynamicType$Builder subclass(java.lang.Class)");

      assertThat(app.ask("work", "work")).isEqualTo(EXPECTED_WORK);
      assertThat(app.ask("visible", "visible"))
          .isEqualTo("visible agent=false shaded=false bridge=true");
    }
  }

  @Test
  void withJavaagentTheAgentsClassesStayHiddenFromTheApp() throws Exception {
    String classPath =
        Artifacts.classPathWith(
            ByteBuddy.class,
            ClassReader.class,
            ObjectMapper.class,
            JsonFactory.class,
            JsonProperty.class);
    try (TargetJvm app =
        TargetJvm.on(Jdk.JAVA_17)
            .javaagent("")
            .classPath(classPath)
            .main(LibraryApp.class)
            .start()) {
      assertThat(app.ask("work", "work")).isEqualTo(EXPECTED_WORK);
      assertThat(app.ask("visible", "visible"))
          .isEqualTo("visible agent=false shaded=false bridge=true");
      // The bridge was defined in the boot loader, not appended to the boot class path (which
      // would have turned off class data sharing with a warning on stdout).
      assertThat(app.stdout()).noneMatch(line -> line.contains("Sharing"));
      assertThat(Artifacts.runtimeDir().resolve("jlive-bridge-" + app.pid() + ".jar"))
          .doesNotExist();
    }
  }
}
