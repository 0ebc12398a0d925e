package dev.jlive.controller.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The bundled front end, read once from the controller jar ({@code dev/jlive/controller/ui/static},
 * written there by the Maven build's esbuild step). Only these few files are served: no path from a
 * request ever reaches the class path.
 */
final class StaticFiles {
  static final String FOLDER = "/dev/jlive/controller/ui/static/";

  /** A file to serve: its bytes and content type. */
  record File(byte[] bytes, String type) {}

  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8");

  private final Map<String, File> files = new HashMap<>();

  StaticFiles() {
    TYPES.forEach(
        (name, type) -> {
          byte[] bytes = read(name);
          if (bytes != null) {
            files.put(name, new File(bytes, type));
          }
        });
    if (!files.containsKey("index.html")) {
      // A jar built without the front end (npm missing) still signs in and answers the API.
      files.put(
          "index.html",
          new File(
              ("<!doctype html><title>jlive</title><p>This controller was built without its"
                      + " dashboard's front end: build it with <code>mvn -B -q package"
                      + " -DskipTests</code> on a machine with Node.js and npm.</p>")
                  .getBytes(StandardCharsets.UTF_8),
              TYPES.get("index.html")));
    }
  }

  /** The file for a request path; null for anything but the bundle's files. */
  File find(String path) {
    return files.get(path.equals("/") ? "index.html" : path.substring(1));
  }

  private static byte[] read(String name) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(FOLDER + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
