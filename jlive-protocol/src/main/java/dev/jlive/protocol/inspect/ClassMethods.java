package dev.jlive.protocol.inspect;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declared methods of one loaded class (one per class loader that loaded a class of that name).
 */
public record ClassMethods(String name, String loader, List<MethodInfo> methods)
    implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("name", "loader", "methods");

  public ClassMethods {
    methods = List.copyOf(methods);
    if (loader.isBlank()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "class " + name + " has a blank 'loader'",
          "name the class loader as `jlive classes` shows it, so that --loader can pick it");
    }
  }

  static ClassMethods read(StrictObject body) {
    return new ClassMethods(
        body.requireString("name", "\"com.acme.Cart\""),
        body.requireString("loader", "\"app\""),
        body.optionalObjects("methods", MethodInfo.FIELDS).stream().map(MethodInfo::read).toList());
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("name", name)
        .put("loader", loader)
        .put("methods", methods)
        .toMap();
  }
}
