package dev.jlive.agent.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.bytebuddy.jar.asm.Type;

/**
 * What a new version of a class changes, against the version that runs: the methods whose code
 * differs, and every change the JVM cannot apply to a loaded class (a redefinition may change
 * method bodies only), each named so the user knows what to undo.
 *
 * @param changedKeys the changed methods as "name descriptor"
 */
record ClassDiff(
    String className, List<String> changedMethods, List<String> changedKeys, List<String> refused) {

  static ClassDiff between(ClassShape running, ClassShape patched) {
    List<String> refused = new ArrayList<>();
    if (!running.name().equals(patched.name())) {
      refused.add("the new class is " + patched.name() + ", not " + running.name());
    }
    if (!Objects.equals(running.superName(), patched.superName())) {
      refused.add(
          "superclass changes from "
              + dotted(running.superName())
              + " to "
              + dotted(patched.superName()));
    }
    if (!running.interfaces().equals(patched.interfaces())) {
      refused.add(
          "interfaces change from "
              + dotted(running.interfaces())
              + " to "
              + dotted(patched.interfaces()));
    }
    if (running.access() != patched.access()) {
      refused.add("class modifiers change");
    }
    compareMembers("field", running.fields(), patched.fields(), refused);
    compareMembers("method", running.methods(), patched.methods(), refused);
    List<String> changed = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, String> body : patched.bodies().entrySet()) {
      String before = running.bodies().get(body.getKey());
      if (before != null && !before.equals(body.getValue())) {
        changed.add(display(body.getKey()));
        keys.add(body.getKey());
      }
    }
    return new ClassDiff(
        running.name(), List.copyOf(changed), List.copyOf(keys), List.copyOf(refused));
  }

  private static void compareMembers(
      String kind,
      Map<String, Integer> running,
      Map<String, Integer> patched,
      List<String> refused) {
    for (Map.Entry<String, Integer> member : running.entrySet()) {
      Integer access = patched.get(member.getKey());
      if (access == null) {
        refused.add("removes the " + kind + " " + display(member.getKey()));
      } else if (!access.equals(member.getValue())) {
        refused.add("changes the modifiers of the " + kind + " " + display(member.getKey()));
      }
    }
    for (String member : patched.keySet()) {
      if (!running.containsKey(member)) {
        String why =
            member.startsWith("lambda$")
                ? " (a new lambda compiles to a new synthetic method; write that code without it)"
                : "";
        refused.add("adds the " + kind + " " + display(member) + why);
      }
    }
  }

  /** {@code name descriptor} as {@code name(descriptor)}, the way jlive names methods elsewhere. */
  static String display(String member) {
    int space = member.indexOf(' ');
    String name = member.substring(0, space);
    String descriptor = member.substring(space + 1);
    if (descriptor.charAt(0) != '(') {
      return name + " : " + Type.getType(descriptor).getClassName();
    }
    List<String> parameters = new ArrayList<>();
    for (Type type : Type.getArgumentTypes(descriptor)) {
      parameters.add(type.getClassName());
    }
    return name + "(" + String.join(",", parameters) + ")";
  }

  private static String dotted(Object internal) {
    return String.valueOf(internal).replace('/', '.');
  }
}
