package dev.jlive.it.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.objectweb.asm.ClassReader;

/**
 * An application that ships its own Byte Buddy (another version than the agent's), ASM and Jackson,
 * and uses them while jlive is loaded.
 */
public final class LibraryApp {
  private LibraryApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("work")) {
        System.out.println("work " + work());
      } else if (line.equals("visible")) {
        System.out.println(
            "visible agent="
                + visible("dev.jlive.agent.Agent")
                + " shaded="
                + visible("dev.jlive.agent.shaded.bytebuddy.ByteBuddy")
                + " bridge="
                + visible("dev.jlive.bridge.JLiveBridge"));
      }
    }
  }

  static String work() throws Exception {
    Object generated =
        new ByteBuddy()
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("made by app's byte buddy"))
            .make()
            .load(LibraryApp.class.getClassLoader())
            .getLoaded()
            .getDeclaredConstructor()
            .newInstance();
    String asmName;
    try (InputStream bytes = LibraryApp.class.getResourceAsStream("LibraryApp.class")) {
      asmName = new ClassReader(bytes).getClassName();
    }
    String json = new ObjectMapper().writeValueAsString(Map.of("answer", 42));
    String byteBuddyJar =
        ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    return "bb="
        + generated
        + " bbJar="
        + byteBuddyJar.substring(byteBuddyJar.lastIndexOf('/') + 1)
        + " asm="
        + asmName
        + " json="
        + json;
  }

  private static boolean visible(String className) {
    try {
      Class.forName(className, false, LibraryApp.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
