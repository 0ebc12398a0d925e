package dev.jlive.controller.store;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.governance.PolicyAnswer;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The sign-off policies, in ZooKeeper beside the services so that every controller applies the
 * same:
 *
 * <pre>
 * /jlive/policies            the default for services without their own ({@link Policy}); empty: built in
 * /jlive/policies/{service}  the service's own
 * </pre>
 *
 * Read straight from ZooKeeper at each change, not from a mirror: a policy just tightened must hold
 * for the very next change, and a change cannot be stored while ZooKeeper is away anyway.
 */
public final class PolicyStore {
  public static final String ROOT = "/jlive/policies";
  public static final String SOURCE_SERVICE = "service";
  public static final String SOURCE_DEFAULT = "default";
  public static final String SOURCE_BUILT_IN = "built-in";

  private final FleetStore store;
  private final CuratorFramework client;

  public PolicyStore(FleetStore store) {
    this.store = store;
    this.client = store.curator();
  }

  /** The policy in force for {@code service}: its own, else the default, else the built-in one. */
  public PolicyAnswer effective(String service) {
    Policy own = read(ROOT + "/" + service);
    if (own != null) {
      return new PolicyAnswer(service, own, SOURCE_SERVICE);
    }
    PolicyAnswer fallback = defaults();
    return new PolicyAnswer(service, fallback.policy(), fallback.source());
  }

  /** The default every service without its own policy gets. */
  public PolicyAnswer defaults() {
    Policy set = read(ROOT);
    return set == null
        ? new PolicyAnswer(null, Policy.BUILT_IN, SOURCE_BUILT_IN)
        : new PolicyAnswer(null, set, SOURCE_DEFAULT);
  }

  /** Sets a service's policy, or with {@code service} null the default. */
  public PolicyAnswer set(String service, Policy policy) {
    byte[] bytes = Json.write(policy.toJson()).getBytes(StandardCharsets.UTF_8);
    try {
      client
          .create()
          .orSetData()
          .creatingParentsIfNeeded()
          .forPath(service == null ? ROOT : ROOT + "/" + service, bytes);
    } catch (Exception e) {
      throw store.unavailable(e);
    }
    return service == null ? defaults() : effective(service);
  }

  private Policy read(String path) {
    byte[] data;
    try {
      data = client.getData().forPath(path);
    } catch (KeeperException.NoNodeException none) {
      return null;
    } catch (Exception e) {
      throw store.unavailable(e);
    }
    if (data == null || data.length == 0) {
      return null;
    }
    try {
      return Policy.fromWire(Json.parseObject(new String(data, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException | JLiveException unreadable) {
      // Failing closed: a policy nobody can read must not let changes through without sign-off.
      throw new JLiveException(
          ErrorCode.INTERNAL_ERROR,
          "the policy at ZooKeeper node " + path + " cannot be read: " + unreadable.getMessage(),
          "an admin sets it again: jlive policy set ...");
    }
  }
}
