package dev.jlive.agent.record;

import dev.jlive.agent.purity.Finding;
import dev.jlive.agent.purity.SideEffectCheck;
import dev.jlive.agent.purity.Verdict;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code jlive replay FILE --cp CLASSPATH}, in the fresh JVM the CLI forks for it (through the
 * agent jar's launcher.ReplayLauncher): reads the file, loads the build from the class path in a
 * loader of its own (above the JDK only), refuses a method that fails the side-effect check as a
 * shadow does, runs every call and prints the report as one JSON line after {@link #REPORT_MARK}; a
 * refusal prints {@code {"error": ..., "hint": ...}} there and exits 2.
 */
public final class FreshReplay {
  /** The report's line starts with this, so what the replayed build prints cannot pass for it. */
  static final String REPORT_MARK = "JLIVE-REPLAY ";

  private FreshReplay() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try {
      if (args.length != 2) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST, "usage: FreshReplay FILE CLASSPATH", "run it through jlive");
      }
      out.println(REPORT_MARK + Json.write(replay(Path.of(args[0]), args[1])));
    } catch (JLiveException e) {
      out.println(
          REPORT_MARK
              + Json.write(
                  JsonObject.create().put("error", e.getMessage()).put("hint", e.hint()).toMap()));
      System.exit(2);
    }
    // Replayed code may have left threads behind.
    System.exit(0);
  }

  static Map<String, Object> replay(Path path, String classPath) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST, path + " does not exist or is not a file", "give a record file");
    }
    RecordFile file = RecordFile.read(Files.readAllBytes(path), path.toString());
    RecordHeader header = file.header();
    List<Path> entries = entries(classPath);
    URLClassLoader loader =
        new URLClassLoader("jlive-replay", urls(entries), ClassLoader.getPlatformClassLoader());
    Class<?> owner;
    try {
      owner = Class.forName(header.className(), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "the class path lacks "
              + (e instanceof ClassNotFoundException
                  ? header.className()
                  : String.valueOf(CallCodec.missingClass(e)))
              + ", which the recorded method "
              + header.display()
              + " needs ("
              + classPath
              + ")",
          "add the build's classes and its dependencies to --cp");
    }
    Method method;
    Verdict verdict;
    try {
      method = method(owner, header);
      verdict =
          SideEffectCheck.of(new ClassPathCode(loader, entries))
              .check(owner, header.method(), header.descriptor());
    } catch (LinkageError e) {
      // A class the method's signature or body names (a parameter's type, say) is not there.
      throw new JLiveException(
          ErrorCode.CLASS_NOT_FOUND,
          "the class path lacks "
              + CallCodec.missingClass(e)
              + ", which the recorded method "
              + header.display()
              + " needs ("
              + classPath
              + ")",
          "add the build's classes and its dependencies to --cp");
    }
    List<String> reasons = new ArrayList<>();
    for (Finding finding : verdict.findings()) {
      reasons.add(verdict.method() + " " + finding.describe());
    }
    if (!reasons.isEmpty()) {
      throw refused(reasons);
    }
    method.setAccessible(true);
    Replayer.Body body =
        (self, arguments) -> {
          try {
            return method.invoke(self, arguments);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return Replayer.replay(
        file,
        loader,
        body,
        "the class path lacks it (" + classPath + ")",
        "the build on " + classPath);
  }

  /** A replay runs the body again: the same rule as a shadow's. */
  static JLiveException refused(List<String> reasons) {
    return new JLiveException(
        ErrorCode.BAD_REQUEST,
        "the replay is refused: running a method again must change nothing, and "
            + String.join("; ", reasons),
        "replay only methods that pass the side-effect check (`jlive check PID 'Class#method'`)");
  }

  private static Method method(Class<?> owner, RecordHeader header) {
    for (Method each : owner.getDeclaredMethods()) {
      if (each.getName().equals(header.method())
          && MethodType.methodType(each.getReturnType(), each.getParameterTypes())
              .toMethodDescriptorString()
              .equals(header.descriptor())) {
        return each;
      }
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        "the build's "
            + owner.getName()
            + " has no method "
            + header.method()
            + header.descriptor(),
        "replay against a build of the same method (the file was recorded from "
            + header.display()
            + ")");
  }

  private static List<Path> entries(String classPath) {
    List<Path> entries = new ArrayList<>();
    for (String part : classPath.split(File.pathSeparator)) {
      if (part.isBlank()) {
        continue;
      }
      try {
        entries.add(Path.of(part).toAbsolutePath());
      } catch (InvalidPathException e) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST, "--cp has a bad entry '" + part + "': " + e, "fix --cp");
      }
    }
    return entries;
  }

  private static URL[] urls(List<Path> entries) {
    List<URL> urls = new ArrayList<>();
    for (Path entry : entries) {
      try {
        urls.add(entry.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST, "--cp has a bad entry '" + entry + "': " + e, "fix --cp");
      }
    }
    return urls.toArray(new URL[0]);
  }
}
