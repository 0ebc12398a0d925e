package dev.jlive.controller.auth;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import dev.jlive.protocol.JsonObject;
import dev.jlive.protocol.user.UserInfo;
import dev.jlive.protocol.user.UserList;
import dev.jlive.protocol.user.UserToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The controller's users, in ZooKeeper so that every controller of the ensemble knows the same:
 *
 * <pre>
 * /jlive/users/names/{name}      {"roles", "tokenHash", "createdAt", "rotatedAt"}
 * /jlive/users/tokens/{sha256}   {"user", "roles"}   what a request's token is looked up by
 * </pre>
 *
 * Only a token's SHA-256 is kept (see {@link Tokens}). Both nodes of a user change in one
 * transaction. A request's token is read from ZooKeeper with a watch and kept until the watch fires
 * ({@link TokenCache}): a user revoked or rotated here is refused on its very next request, and
 * through another controller as soon as ZooKeeper's event arrives (milliseconds), without a
 * ZooKeeper read per request. Only while ZooKeeper cannot be reached does the lookup fall back to
 * the local mirror: then nobody can revoke anyway, and agents keep syncing as they did before users
 * existed.
 */
public final class UserStore implements AutoCloseable {
  public static final String ROOT = "/jlive/users";
  private static final String NAMES = ROOT + "/names";
  private static final String TOKENS = ROOT + "/tokens";
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  private final CuratorFramework client;
  private final BooleanSupplier connected;
  private final CuratorCache mirror;
  private final TokenCache tokens;

  /**
   * @param client a started client, shared with the fleet store
   * @param connected whether ZooKeeper can be asked now
   */
  public UserStore(CuratorFramework client, BooleanSupplier connected) {
    this(client, connected, new TokenCache());
  }

  UserStore(CuratorFramework client, BooleanSupplier connected, TokenCache tokens) {
    this.client = client;
    this.connected = connected;
    this.tokens = tokens;
    this.mirror = CuratorCache.build(client, ROOT);
  }

  public void start(Duration wait) throws InterruptedException {
    for (String path : List.of(NAMES, TOKENS)) {
      try {
        client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
      } catch (KeeperException.NodeExistsException fine) {
        // made by another controller, or before a restart
      } catch (Exception e) {
        throw unavailable(e);
      }
    }
    CountDownLatch filled = new CountDownLatch(1);
    mirror
        .listenable()
        .addListener(CuratorCacheListener.builder().forInitialized(filled::countDown).build());
    mirror.start();
    filled.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Makes the first user, an admin with {@code token}, when there is no user yet.
   *
   * @return true when it was made here
   */
  public boolean bootstrap(String name, String token, Instant now) {
    try {
      if (!client.getChildren().forPath(NAMES).isEmpty()) {
        return false;
      }
      create(name, List.of(new Grant(Role.ADMIN, null)), token, now);
      return true;
    } catch (JLiveException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        return false; // another controller of the ensemble made its admin first
      }
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** A new user with a new token, shown this once. */
  public UserToken add(String name, List<Grant> grants, Instant now) {
    String token = Tokens.create();
    return new UserToken(create(name, grants, token, now), token);
  }

  public UserList list() {
    List<UserInfo> users = new ArrayList<>();
    try {
      for (String name : client.getChildren().forPath(NAMES)) {
        Stored user = read(name, new Stat());
        if (user != null) {
          users.add(user.info());
        }
      }
    } catch (JLiveException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
    users.sort((a, b) -> a.name().compareTo(b.name()));
    return new UserList(users);
  }

  /** Deletes the user and its token: its next request is refused, on every controller. */
  public UserInfo revoke(String name) {
    Stat stat = new Stat();
    Stored user = existing(name, stat);
    if (user.grants().contains(new Grant(Role.ADMIN, null)) && admins().size() <= 1) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "refusing to revoke " + name + ", the last admin: nobody could manage users after",
          "add another admin first: `jlive controller users add NAME --role admin`");
    }
    try {
      client
          .transaction()
          .forOperations(
              client.transactionOp().delete().forPath(TOKENS + "/" + user.tokenHash()),
              client
                  .transactionOp()
                  .delete()
                  .withVersion(stat.getVersion())
                  .forPath(NAMES + "/" + name));
    } catch (Exception e) {
      throw concurrentOrUnavailable(name, e);
    }
    tokens.forget(TOKENS + "/" + user.tokenHash()); // refused here at once, not after the event
    LOG.log(System.Logger.Level.INFO, "user {0} revoked", name);
    return user.info();
  }

  /** Gives the user a new token, shown this once; the old one is refused from now on. */
  public UserToken rotate(String name, Instant now) {
    Stat stat = new Stat();
    Stored user = existing(name, stat);
    String token = Tokens.create();
    Stored rotated =
        new Stored(name, user.roles(), Tokens.hash(token), user.createdAt(), now.toString());
    try {
      client
          .transaction()
          .forOperations(
              client.transactionOp().delete().forPath(TOKENS + "/" + user.tokenHash()),
              client
                  .transactionOp()
                  .create()
                  .forPath(TOKENS + "/" + rotated.tokenHash(), rotated.tokenNode()),
              client
                  .transactionOp()
                  .setData()
                  .withVersion(stat.getVersion())
                  .forPath(NAMES + "/" + name, rotated.nameNode()));
    } catch (Exception e) {
      throw concurrentOrUnavailable(name, e);
    }
    tokens.forget(TOKENS + "/" + user.tokenHash());
    LOG.log(System.Logger.Level.INFO, "user {0}: token rotated", name);
    return new UserToken(rotated.info(), token);
  }

  /** The user whose token this is; null when no user has it (unknown, revoked or rotated). */
  public Principal authenticate(String token) {
    String path = TOKENS + "/" + Tokens.hash(token);
    if (!connected.getAsBoolean()) {
      return fromMirror(path);
    }
    Principal cached = tokens.get(path);
    if (cached != null) {
      return cached;
    }
    Object marker = tokens.reading(path);
    Principal found;
    try {
      found = principal(client.getData().usingWatcher(tokens).forPath(path));
    } catch (KeeperException.NoNodeException unknown) {
      found = null;
    } catch (Exception unreachable) {
      // lost the connection between the check and the read: fall back to the mirror
      tokens.done(path, marker, null);
      return fromMirror(path);
    }
    tokens.done(path, marker, found);
    return found;
  }

  private Principal fromMirror(String path) {
    return principal(mirror.get(path).map(ChildData::getData).orElse(null));
  }

  private static Principal principal(byte[] node) {
    if (node == null || node.length == 0) {
      return null;
    }
    Map<String, Object> json = Json.parseObject(new String(node, StandardCharsets.UTF_8));
    return new Principal(String.valueOf(json.get("user")), grants(strings(json.get("roles"))));
  }

  /** The users who are admins of every service, from the mirror: named in refusals. */
  public List<String> admins() {
    List<String> names = new ArrayList<>();
    mirror.stream()
        .filter(node -> node.getPath().startsWith(NAMES + "/"))
        .forEach(
            node -> {
              Stored user = parse(node.getPath().substring(NAMES.length() + 1), node.getData());
              if (user != null && user.grants().contains(new Grant(Role.ADMIN, null))) {
                names.add(user.name());
              }
            });
    names.sort(null);
    return names;
  }

  @Override
  public void close() {
    mirror.close();
  }

  private UserInfo create(String name, List<Grant> grants, String token, Instant now) {
    boolean agent = grants.stream().anyMatch(grant -> grant.role() == Role.AGENT);
    if (agent && grants.stream().anyMatch(grant -> grant.role() != Role.AGENT)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "user " + name + " would mix agent@SERVICE with an engineer's role",
          "an agent's credential is given to applications and must not change code: make two users");
    }
    Stored user =
        new Stored(
            name,
            grants.stream().map(Grant::toString).toList(),
            Tokens.hash(token),
            now.toString(),
            now.toString());
    try {
      client
          .transaction()
          .forOperations(
              client.transactionOp().create().forPath(NAMES + "/" + name, user.nameNode()),
              client
                  .transactionOp()
                  .create()
                  .forPath(TOKENS + "/" + user.tokenHash(), user.tokenNode()));
    } catch (KeeperException.NodeExistsException e) {
      throw new JLiveException(
          ErrorCode.CONFLICT,
          "user " + name + " already exists",
          "`jlive controller users rotate "
              + name
              + "` gives it a new token; revoke it first to change its roles");
    } catch (Exception e) {
      throw unavailable(e);
    }
    LOG.log(System.Logger.Level.INFO, "user {0} added with {1}", name, user.roles());
    return user.info();
  }

  private Stored existing(String name, Stat stat) {
    Stored user;
    try {
      user = read(name, stat);
    } catch (JLiveException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
    if (user == null) {
      throw new JLiveException(
          ErrorCode.UNKNOWN_USER,
          "no user " + name,
          "`jlive controller users list` lists the users");
    }
    return user;
  }

  private Stored read(String name, Stat stat) throws Exception {
    try {
      return parse(name, client.getData().storingStatIn(stat).forPath(NAMES + "/" + name));
    } catch (KeeperException.NoNodeException absent) {
      return null;
    }
  }

  private static Stored parse(String name, byte[] data) {
    if (data == null || data.length == 0) {
      return null;
    }
    Map<String, Object> json = Json.parseObject(new String(data, StandardCharsets.UTF_8));
    return new Stored(
        name,
        strings(json.get("roles")),
        String.valueOf(json.get("tokenHash")),
        (String) json.get("createdAt"),
        (String) json.get("rotatedAt"));
  }

  private static List<String> strings(Object list) {
    List<String> strings = new ArrayList<>();
    if (list instanceof List<?> items) {
      items.forEach(item -> strings.add(String.valueOf(item)));
    }
    return strings;
  }

  /** The grants this version understands; a role of a newer controller is left out, and logged. */
  private static List<Grant> grants(List<String> roles) {
    List<Grant> grants = new ArrayList<>();
    for (String role : roles) {
      try {
        grants.add(Grant.parse(role));
      } catch (JLiveException unknown) {
        LOG.log(System.Logger.Level.WARNING, "ignoring role {0}: {1}", role, unknown.getMessage());
      }
    }
    return grants;
  }

  private JLiveException concurrentOrUnavailable(String name, Exception e) {
    if (e instanceof KeeperException.BadVersionException
        || e instanceof KeeperException.NoNodeException
        || e instanceof KeeperException.NodeExistsException) {
      return new JLiveException(
          ErrorCode.CONFLICT,
          "user " + name + " was changed by another request at the same time",
          "`jlive controller users list` shows where it stands; try again");
    }
    return unavailable(e);
  }

  private static JLiveException unavailable(Exception cause) {
    return new JLiveException(
        ErrorCode.STORE_UNAVAILABLE,
        "ZooKeeper did not answer about users: "
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
        "nothing was changed; check the controller's ZooKeeper ensemble");
  }

  /** A user as kept in ZooKeeper. */
  private record Stored(
      String name, List<String> roles, String tokenHash, String createdAt, String rotatedAt) {
    List<Grant> grants() {
      return UserStore.grants(roles);
    }

    UserInfo info() {
      return new UserInfo(name, roles, createdAt, rotatedAt);
    }

    byte[] nameNode() {
      return bytes(
          JsonObject.create()
              .put("roles", roles)
              .put("tokenHash", tokenHash)
              .put("createdAt", createdAt)
              .put("rotatedAt", rotatedAt)
              .toMap());
    }

    byte[] tokenNode() {
      return bytes(JsonObject.create().put("user", name).put("roles", roles).toMap());
    }

    private static byte[] bytes(Map<String, Object> json) {
      return Json.write(json).getBytes(StandardCharsets.UTF_8);
    }
  }
}
