package dev.jlive.cli.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
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
  void stopTargets() throws InterruptedException, IOException {
    for (Process process : started) {
      process.destroyForcibly().waitFor();
      // A killed JVM leaves its attach socket, which a later process with the pid would find.
      Files.deleteIfExists(Paths.get("/tmp", ".java_pid" + process.pid()));
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

  /**
   * What a JVM killed with SIGKILL leaves behind: a socket file at the path of its attach listener,
   * made {@code age} before the target started, with nothing listening on it.
   */
  private static Path leftSocket(Process target, Duration age) throws IOException {
    Path socket = ListenerWatch.socketPath(target.pid());
    try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.bind(UnixDomainSocketAddress.of(socket));
    }
    // The JDK refuses a socket file that others may read before it tries to connect.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    Instant started = target.info().startInstant().orElseThrow();
    Files.setLastModifiedTime(socket, FileTime.from(started.minus(age)));
    return socket;
  }

  @ParameterizedTest
  @MethodSource("javas")
  void anAttachSocketLeftByAnEarlierProcessWithThePidIsRemoved(String java) throws Exception {
    Process target = idleJvm(java);
    Path socket = leftSocket(target, Duration.ofHours(1));

    // Negative control: the JDK takes the left socket for the listener and cannot connect.
    assertThatThrownBy(() -> VirtualMachine.attach(Long.toString(target.pid())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Connection refused");

    VirtualMachine vm = Attacher.attachWoken(target.pid());
    try {
      assertThat(vm.getSystemProperties().getProperty("java.home")).isNotEmpty();
      // The target's own listener made the socket there now.
      assertThat(Files.getLastModifiedTime(socket).toInstant())
          .isAfter(target.info().startInstant().orElseThrow());
    } finally {
      vm.detach();
    }
  }

  @Test
  void aSocketNotOlderThanTheProcessIsLeftAlone() throws Exception {
    Process target = idleJvm(javas().findFirst().orElseThrow());
    // Within the grain of the process's start time: it may be the target's own.
    Path socket = leftSocket(target, Duration.ofMillis(500));

    assertThat(StaleSocket.of(target.pid())).isEmpty();
    assertThatThrownBy(() -> Attacher.attachWoken(target.pid()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Connection refused");
    assertThat(socket).exists();
  }

  @Test
  void aRegularFileAtTheSocketsPathIsLeftAlone() throws Exception {
    Process target = idleJvm(javas().findFirst().orElseThrow());
    Path file = ListenerWatch.socketPath(target.pid());
    Files.writeString(file, "not a socket");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      Files.setLastModifiedTime(
          file, FileTime.from(target.info().startInstant().orElseThrow().minusSeconds(3600)));

      assertThat(StaleSocket.of(target.pid())).isEmpty();
      assertThat(StaleSocket.remove(target.pid())).isFalse();
      assertThat(file).exists();
    } finally {
      Files.deleteIfExists(file);
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
