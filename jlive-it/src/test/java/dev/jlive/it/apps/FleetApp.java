package dev.jlive.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of a fleet: "price N" as {@link PatchTargetApp}; "spawn" starts a child JVM ({@link
 * IdleApp}, or {@link PatchTargetApp} with "spawn pricer") with {@code ProcessBuilder} and says
 * whether its command line got the agent, and whether the builder's own command was left as the
 * application set it; "exec" does the same with {@code Runtime.exec}; "envchild" runs a shell that
 * prints the controller token it finds in its environment, and says whether the builder still has
 * it afterwards.
 */
public final class FleetApp {
  private FleetApp() {}

  public static void main(String[] args) throws Exception {
    Pricer pricer = new Pricer();
    List<Process> children = new ArrayList<>();
    System.out.println("ready " + ProcessHandle.current().pid() + " " + pricer.price(0));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      switch (words[0]) {
        case "price" ->
            System.out.println(
                "price " + pricer.price(Integer.parseInt(words[1])) + " quotes " + pricer.quotes());
        case "spawn" -> {
          List<String> command =
              childCommand(
                  words.length > 1 && words[1].equals("pricer")
                      ? PatchTargetApp.class
                      : IdleApp.class);
          ProcessBuilder builder =
              new ProcessBuilder(command)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD);
          Process child = builder.start();
          children.add(child);
          System.out.println(
              "spawned "
                  + child.pid()
                  + " agent="
                  + hasAgent(child)
                  + " commandKept="
                  + builder.command().equals(command));
        }
        case "exec" -> {
          Process child =
              Runtime.getRuntime().exec(childCommand(IdleApp.class).toArray(new String[0]));
          children.add(child);
          System.out.println("execed " + child.pid() + " agent=" + hasAgent(child));
        }
        case "envchild" -> {
          ProcessBuilder builder =
              new ProcessBuilder("sh", "-c", "echo ${JLIVE_CONTROLLER_TOKEN:-none}")
                  .redirectErrorStream(true);
          Process child = builder.start();
          String seen =
              new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
          child.waitFor();
          System.out.println(
              "envchild token="
                  + seen
                  + " kept="
                  + builder.environment().containsKey("JLIVE_CONTROLLER_TOKEN"));
        }
        default -> System.out.println("unknown " + line);
      }
    }
    children.forEach(Process::destroy);
  }

  private static List<String> childCommand(Class<?> main) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-Djlive.runtimeDir=" + System.getProperty("jlive.runtimeDir"),
        "-Xmx64m",
        "-cp",
        System.getProperty("java.class.path"),
        main.getName());
  }

  private static boolean hasAgent(Process child) {
    return List.of(child.info().arguments().orElse(new String[0])).stream()
        .anyMatch(argument -> argument.startsWith("-javaagent:"));
  }
}
