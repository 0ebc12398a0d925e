package dev.jlive.agent.purity;

import java.util.StringJoiner;
import org.objectweb.asm.Type;

/** How findings name classes, fields and methods: short, as an engineer reads them in source. */
final class Names {
  private Names() {}

  /** {@code com/acme/Cart} to {@code Cart}. */
  static String simple(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  /** {@code com/acme/Cart} to {@code com.acme.Cart}. */
  static String dotted(String internalName) {
    return internalName.replace('/', '.');
  }

  /** {@code Cart.total}. */
  static String field(String owner, String name) {
    return simple(owner) + "." + name;
  }

  /** {@code total(long, int)}: the name and the parameters' simple type names. */
  static String method(String name, String descriptor) {
    StringJoiner parameters = new StringJoiner(", ", "(", ")");
    for (Type type : Type.getArgumentTypes(descriptor)) {
      String className = type.getClassName();
      parameters.add(className.substring(className.lastIndexOf('.') + 1));
    }
    return name + parameters;
  }
}
