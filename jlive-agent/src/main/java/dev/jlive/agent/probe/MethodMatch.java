package dev.jlive.agent.probe;

import dev.jlive.protocol.probe.MethodSelector;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Matches a {@link MethodSelector} (plain strings, from jlive-protocol) against a method Byte Buddy
 * describes.
 */
public final class MethodMatch {
  private MethodMatch() {}

  public static boolean matches(MethodSelector selector, MethodDescription method) {
    if (method.isTypeInitializer()) {
      return false;
    }
    return selector.matches(
        method.isConstructor() ? "<init>" : method.getName(),
        method.getDescriptor(),
        () ->
            method.getParameters().asTypeList().asErasures().stream()
                .map(TypeDescription::getActualName)
                .toList());
  }
}
