package dev.jlive.agent.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.probe.ProbeSpec;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;

/**
 * What a trace or a line profile may be woven into: one method, not a constructor. Its parts are
 * one method's calls or lines, and a constructor's exit is not woven for exceptions, so a frame
 * that threw would never be counted out.
 */
final class PartTargets {
  private PartTargets() {}

  static void check(ProbeSpec spec, ProbeTargets.Resolution resolution) {
    if (spec.kind() != ProbeSpec.Kind.TRACE && spec.kind() != ProbeSpec.Kind.LINES) {
      return;
    }
    String what = spec.kind() == ProbeSpec.Kind.TRACE ? "--trace" : "--profile-lines";
    List<String> methods = new ArrayList<>();
    boolean constructor = false;
    for (ProbeTargets.Target target : resolution.targets()) {
      for (MethodDescription method : target.methods()) {
        constructor |= method.isConstructor();
        methods.add(target.type().getSimpleName() + "#" + ProbeTargets.display(method));
      }
    }
    if (methods.size() > 1) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what
              + " times one method, and "
              + spec.selector()
              + " matches "
              + methods.size()
              + ": "
              + String.join(", ", methods),
          "name one method, with its parameter types if it is overloaded (e.g. 'Cart#add(int)')");
    }
    if (constructor) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          what + " times a method's parts, and " + spec.selector() + " names a constructor",
          "trace the method the constructor calls, or use --metrics on the constructor");
    }
  }
}
