package dev.jlive.it.apps;

import dev.jlive.JLive;
import java.io.BufferedReader;
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

/**
 * An application whose pid a JVM killed with SIGKILL had used: it makes the attach socket such a
 * JVM leaves at its pid's path (mode 0600, an hour older than this JVM, nothing listening), then
 * starts jlive as a library when told to.
 */
public final class StaleSocketApp {
  private StaleSocketApp() {}

  public static void main(String[] args) throws Exception {
    long pid = ProcessHandle.current().pid();
    Path socket = Paths.get("/tmp", ".java_pid" + pid);
    try (ServerSocketChannel left = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      left.bind(UnixDomainSocketAddress.of(socket));
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    FileTime started = FileTime.from(ProcessHandle.current().info().startInstant().orElseThrow());
    Files.setLastModifiedTime(
        socket, FileTime.from(started.toInstant().minus(Duration.ofHours(1))));
    System.out.println("ready " + pid);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("start")) {
        try {
          JLive.start();
          System.out.println("started running=" + JLive.isRunning());
        } catch (IllegalStateException e) {
          System.out.println("started failed: " + e.getMessage());
        }
      } else if (line.equals("stop")) {
        JLive.stop();
        System.out.println("stopped running=" + JLive.isRunning());
      }
    }
  }
}
