package dev.jlive.protocol;

import java.util.Map;

/** A wire record: writes itself as a JSON object (see {@link JsonObject}). */
public interface JsonWritable {
  Map<String, Object> toJson();
}
