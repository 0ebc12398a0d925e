package dev.jlive.protocol.fleet;

import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.JsonWritable;
import dev.jlive.protocol.StrictObject;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/health}: the controller's version and protocol, its ZooKeeper connection ({@code
 * connected}, {@code suspended}: reads answer from the last known state, or {@code lost}), and its
 * agents.
 */
public record Health(
    String version,
    int protocolVersion,
    String zookeeper,
    String zookeeperAt,
    int connectedAgents,
    int waitingPolls)
    implements JsonWritable {
  public static final Set<String> FIELDS =
      Set.of(
          "version",
          "protocolVersion",
          "zookeeper",
          "zookeeperAt",
          "connectedAgents",
          "waitingPolls");

  public static Health fromWire(Object json) {
    StrictObject body = StrictObject.tolerant(json, "the health answer", FIELDS);
    return new Health(
        body.optionalString("version"),
        Wire.intValue(body.optionalLong("protocolVersion", 1, 1, Integer.MAX_VALUE)),
        body.requireString("zookeeper", "\"connected\""),
        body.optionalString("zookeeperAt"),
        Wire.intValue(body.optionalLong("connectedAgents", 0, 0, Long.MAX_VALUE)),
        Wire.intValue(body.optionalLong("waitingPolls", 0, 0, Long.MAX_VALUE)));
  }

  @Override
  public Map<String, Object> toJson() {
    return JsonObject.create()
        .put("version", version)
        .put("protocolVersion", protocolVersion)
        .put("zookeeper", zookeeper)
        .put("zookeeperAt", zookeeperAt)
        .put("connectedAgents", connectedAgents)
        .put("waitingPolls", waitingPolls)
        .toMap();
  }
}
