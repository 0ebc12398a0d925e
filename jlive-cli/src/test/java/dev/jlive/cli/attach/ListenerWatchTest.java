package dev.jlive.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ListenerWatch} and {@link Attacher#attachWoken} against real forked JVMs (the running JDK
 * and Java 25 where installed) and a process that is no JVM.
 */
class ListenerWatchTest {
  private static final Path JAVA_25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  private final List<Process> started = new ArrayList<>();

  /** A target that says it is up and then waits; it never starts its attach listener itself. */
  public static final class Idle {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("idle ready");
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  static Stream<String> javas() {
    String own = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    return Files.isExecutable(JAVA_25) ? Stream.of(own, JAVA_25.toString()) : Stream.of(own);
  }

  @AfterEach
  void stopTargets() {
    for (Process process : started) {
      process.destroyForcibly();
    }
    System.clearProperty("sun.tools.attach.attachTimeout");
  }

  private Process idleJvm(String java, String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Idle.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(process);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // Blocks until the line (or the end of a JVM that did not start); no sleep, no clock.
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals("idle ready")) {
        drain(out);
        return process;
      }
    }
    throw new IllegalStateException("the target JVM ended before it was ready: " + command);
  }

  /** Keeps reading the target's output (a thread dump on SIGQUIT) so that it never blocks. */
  private static void drain(BufferedReader out) {
    Thread drainer =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discarded
                }
              } catch (IOException ended) {
                // the target ended
              }
            });
    drainer.setDaemon(true);
    drainer.start();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void wakesTheAttachWhenTheListenerComesUpAndLeavesNoInterrupt(String java) throws Exception {
    Process target = idleJvm(java);
    long pid = target.pid();
    Path socket = ListenerWatch.socketPath(pid);
    assertThat(socket).isEqualTo(Paths.get("/tmp", ".java_pid" + pid));
    assertThat(socket).doesNotExist();

    VirtualMachine vm;
    boolean woke;
    try (ListenerWatch watch = ListenerWatch.start(pid)) {
      vm = VirtualMachine.attach(Long.toString(pid));
      woke = watch.woke();
    }

    try {
      assertThat(woke).as("the watch saw the socket and woke the JDK's sleep").isTrue();
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      assertThat(socket).exists();
      // The connection works: the target answers a command.
      assertThat(Paths.get(vm.getSystemProperties().getProperty("java.home")).toRealPath())
          .isEqualTo(Paths.get(java).toRealPath().getParent().getParent());
    } finally {
      vm.detach();
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void doesNothingWhenTheListenerRunsAlready(String java) throws Exception {
    Process target = idleJvm(java);
    long pid = target.pid();
    Attacher.attachWoken(pid).detach();
    assertThat(ListenerWatch.socketPath(pid)).exists();

    // Negative control for the wake-up: with the listener up, the JDK does not sleep and no watch
    // runs, so nothing is woken and the attach works the same.
    VirtualMachine vm;
    try (ListenerWatch watch = ListenerWatch.start(pid)) {
      vm = VirtualMachine.attach(Long.toString(pid));
      assertThat(watch.woke()).isFalse();
    }
    try {
      assertThat(vm.getSystemProperties().getProperty("java.home")).isNotEmpty();
    } finally {
      vm.detach();
    }
  }

  @Test
  void aJvmThatRefusesAttachFailsAsItDidWithoutTheWatch() throws Exception {
    // Without perf data the JDK cannot tell up front that the JVM refuses attach: it signals and
    // waits for a socket that never comes, with the watch running all along.
    Process target =
        idleJvm(
            javas().findFirst().orElseThrow(), "-XX:+DisableAttachMechanism", "-XX:-UsePerfData");
    // The JDK's own limit, shortened so that the test does not wait 10 s.
    System.setProperty("sun.tools.attach.attachTimeout", "1000");

    assertThatThrownBy(() -> Attacher.attachWoken(target.pid()))
        .isInstanceOf(AttachNotSupportedException.class)
        .hasMessageContaining("Unable to open socket file");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(target.isAlive()).isTrue();
  }

  @Test
  void aProcessThatIsNoJvmFailsAsItDidWithoutTheWatch() throws Exception {
    Process notAJvm = new ProcessBuilder("sleep", "300").start();
    started.add(notAJvm);
    System.setProperty("sun.tools.attach.attachTimeout", "1000");

    assertThatThrownBy(() -> Attacher.attachWoken(notAJvm.pid()))
        .isInstanceOf(AttachNotSupportedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void noSuchProcessHasNoSocketToWatch() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    long pid = ended.pid();

    assertThat(ListenerWatch.socketPath(pid)).isNull();
    try (ListenerWatch watch = ListenerWatch.start(pid)) {
      assertThat(watch.woke()).isFalse();
    }
    assertThatThrownBy(() -> Attacher.attachWoken(pid))
        .isInstanceOfAny(AttachNotSupportedException.class, IOException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
