package dev.jlive.protocol.probe;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The agent's answer to {@code GET /v1/probes}: its probes in the order they were added. */
public record ProbeList(List<ProbeStatus> probes) implements JsonWritable {
  public static final Set<String> FIELDS = Set.of("probes");

  public ProbeList {
    probes = List.copyOf(probes);
  }

  public static ProbeList fromWire(Object json) {
    StrictObject.tolerant(json, "the probe list", FIELDS);
    Object items = ((Map<?, ?>) json).get("probes");
    if (items != null && !(items instanceof List)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the probe list: 'probes' must be an array of objects",
          "send e.g. {\"probes\": [{\"id\": \"p1\", ...}]}");
    }
    List<ProbeStatus> probes = new ArrayList<>();
    int index = 0;
    // Each probe's own fields and its spec's share one level: ProbeStatus tells them apart.
    for (Object probe : items == null ? List.of() : (List<?>) items) {
      probes.add(ProbeStatus.read(probe, "the probe list: probes[" + index++ + "]", Set.of()));
    }
    return new ProbeList(probes);
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create().put("probes", probes).toMap();
  }
}
