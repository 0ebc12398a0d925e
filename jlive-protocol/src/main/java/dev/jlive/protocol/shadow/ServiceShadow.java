package dev.jlive.protocol.shadow;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.change.Change;
import java.util.Map;

/**
 * {@code GET /v1/services/{s}/changes/{id}/shadow}: a shadow change, its report merged over the
 * service's processes ({@link ShadowReport#merge}), and each process's own.
 *
 * @param merged null while no process has reported the shadow
 * @param processes each live process's report, by process id
 */
public record ServiceShadow(
    String service, Change change, ShadowReport merged, Map<String, ShadowReport> processes)
    implements JsonWritable {
  public ServiceShadow {
    processes = JsonObject.copyOf(processes);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("service", service)
        .put("change", change)
        .put("merged", merged)
        .put("processes", processes)
        .toMap();
  }
}
