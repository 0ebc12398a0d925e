package dev.jlive.controller;

import dev.jlive.controller.audit.AuditLog;
import dev.jlive.controller.audit.AuditTrail;
import dev.jlive.controller.auth.Tokens;
import dev.jlive.controller.auth.UserStore;
import dev.jlive.controller.fleet.AgentSessions;
import dev.jlive.controller.fleet.ServiceChanges;
import dev.jlive.controller.fleet.ServiceOutput;
import dev.jlive.controller.fleet.SignOff;
import dev.jlive.controller.http.ControllerRoutes;
import dev.jlive.controller.http.ControllerServer;
import dev.jlive.controller.rollout.RolloutDriver;
import dev.jlive.controller.rollout.Rollouts;
import dev.jlive.controller.sign.ChangeSigner;
import dev.jlive.controller.store.EmbeddedZooKeeper;
import dev.jlive.controller.store.FleetStore;
import dev.jlive.controller.store.PolicyStore;
import dev.jlive.controller.store.ZooKeeperAccess;
import dev.jlive.controller.ui.DashboardServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FileTrust;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.SecretFile;
import dev.jlive.protocol.UnknownFields;
import dev.jlive.protocol.UntrustedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A running controller: ZooKeeper (embedded or external), the store over it, and the HTTP API. It
 * keeps no state of its own, so it can be stopped and started again on the same data, and several
 * can share an external ensemble.
 */
public final class Controller implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  /** Refusals waiting to be recorded; past this they are counted, not queued. */
  private static final int AUDIT_REFUSAL_QUEUE = 1000;

  /** The user a controller makes on first start, whose token it writes to the token file. */
  public static final String ADMIN = "admin";

  /** The embedded ZooKeeper's digest credentials, in the data dir. */
  private static final String ZOOKEEPER_AUTH = "zookeeper-auth";

  /** How often the rollout driver looks at its rollouts: a step costs one ZooKeeper write. */
  private static final Duration ROLLOUT_TICK = Duration.ofMillis(200);

  /**
   * The ZooKeeper session: it outlives short blips (agents keep their place) but not a dead
   * controller for long.
   */
  private static final long SESSION_TIMEOUT_MILLIS = 15_000;

  /**
   * For tests only: {@code -Djlive.controller.zkSessionTimeoutMillis=} shortens the session, so
   * that a test which kills a controller (ControllerFailoverTest, RolloutFailoverTest) waits less
   * for its session, and with it its processes and rollout leadership, to expire. The ZooKeeper
   * server keeps it within its own minimum and maximum.
   */
  static final String SESSION_TIMEOUT_PROPERTY = "jlive.controller.zkSessionTimeoutMillis";

  private final EmbeddedZooKeeper zooKeeper;
  private final FleetStore store;
  private final UserStore users;
  private final AgentSessions agents;
  private final RolloutDriver rollouts;
  private final AuditTrail audit;
  private final ControllerServer server;
  private final String token;
  private final Path tokenFile;
  private final ChangeSigner signer;
  private final boolean tls;
  private final DashboardParts dashboardParts;
  private DashboardServer dashboard;

  /** What the web dashboard is made of: the same users, routes and data as the API. */
  private record DashboardParts(
      String host,
      SSLContext tls,
      ControllerServer.Authenticator users,
      ControllerServer.Router routes,
      ServiceChanges changes,
      ServiceOutput output,
      Duration heartbeat) {}

  private Controller(
      EmbeddedZooKeeper zooKeeper,
      FleetStore store,
      UserStore users,
      AgentSessions agents,
      RolloutDriver rollouts,
      AuditTrail audit,
      ControllerServer server,
      String token,
      Path tokenFile,
      ChangeSigner signer,
      boolean tls,
      DashboardParts dashboardParts) {
    this.zooKeeper = zooKeeper;
    this.store = store;
    this.users = users;
    this.agents = agents;
    this.rollouts = rollouts;
    this.audit = audit;
    this.server = server;
    this.token = token;
    this.tokenFile = tokenFile;
    this.signer = signer;
    this.tls = tls;
    this.dashboardParts = dashboardParts;
  }

  public static Controller start(ControllerConfig config) throws Exception {
    requireSafeAddress(config);
    // Fields of a newer agent (or of a newer controller's ZooKeeper nodes) are ignored; each is
    // logged once.
    UnknownFields.logTo(message -> LOG.log(System.Logger.Level.WARNING, message));
    Path tokenFile =
        config.tokenFile() != null ? config.tokenFile() : config.dataDir().resolve("token");
    String token;
    ZooKeeperAccess access;
    try {
      privateDataDir(config.dataDir());
      token = loadOrCreateToken(tokenFile);
      access = zooKeeperAccess(config);
    } catch (UntrustedFileException e) {
      throw new JLiveException(ErrorCode.BAD_REQUEST, e.what(), e.hint());
    }
    // No key is no reason to refuse to start: the first controller makes one, the others are given
    // the same file.
    ChangeSigner signer = ChangeSigner.loadOrCreate(config.signingKeyFile());
    SSLContext tlsContext =
        config.tlsKeystore() == null ? null : tls(config.tlsKeystore(), config.tlsPassword());
    EmbeddedZooKeeper embedded =
        config.zookeeper() == null ? EmbeddedZooKeeper.start(config.dataDir(), 0) : null;
    FleetStore store = null;
    UserStore users = null;
    AgentSessions agents = null;
    AuditTrail audit = null;
    RolloutDriver driver = null;
    try {
      store =
          new FleetStore(
              embedded != null ? embedded.connectString() : config.zookeeper(),
              Duration.ofMillis(Long.getLong(SESSION_TIMEOUT_PROPERTY, SESSION_TIMEOUT_MILLIS)),
              access);
      store.start(Duration.ofSeconds(20));
      FleetStore connected = store;
      users = new UserStore(store.client(), () -> connected.connectionState().equals("connected"));
      users.start(Duration.ofSeconds(20));
      // The first controller of an ensemble makes the first admin, with the token file's token: the
      // operator who starts the controller can add everyone else.
      if (users.bootstrap(ADMIN, token, Instant.now())) {
        LOG.log(
            System.Logger.Level.INFO, "no users yet: made user admin, its token in {0}", tokenFile);
      }
      AgentSessions sessions = new AgentSessions(store, config.heartbeat());
      agents = sessions;
      PolicyStore policies = new PolicyStore(store);
      ServiceChanges changes = new ServiceChanges(store, policies, sessions::lastSeen, signer);
      AuditLog auditLog = new AuditLog(store.client());
      auditLog.start();
      audit = new AuditTrail(auditLog, AUDIT_REFUSAL_QUEUE);
      ServiceOutput output = new ServiceOutput(store, changes);
      ControllerRoutes routes =
          new ControllerRoutes(
              store,
              agents,
              changes,
              output,
              users,
              policies,
              new SignOff(store, policies, changes),
              new Rollouts(store, changes),
              audit);
      ControllerServer server =
          ControllerServer.start(
              config.host(), config.port(), tlsContext, users::authenticate, routes);
      // Every controller joins the election of every rollout; the one elected drives it. Named by
      // its address, so that a rollout's history says which controller decided what.
      driver =
          RolloutDriver.withGates(
                  store,
                  changes,
                  "controller " + server.host() + ":" + server.port(),
                  config.heartbeat())
              .start(ROLLOUT_TICK);
      return new Controller(
          embedded,
          store,
          users,
          agents,
          driver,
          audit,
          server,
          token,
          tokenFile,
          signer,
          tlsContext != null,
          new DashboardParts(
              config.host(),
              tlsContext,
              users::authenticate,
              routes,
              changes,
              output,
              config.heartbeat()));
    } catch (Exception | Error e) {
      if (driver != null) {
        driver.close();
      }
      if (audit != null) {
        audit.close();
      }
      if (agents != null) {
        agents.close();
      }
      if (users != null) {
        users.close();
      }
      if (store != null) {
        store.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  public String url() {
    String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
    return (tls ? "https" : "http") + "://" + host + ":" + server.port();
  }

  public int port() {
    return server.port();
  }

  /** The token of the token file: the first admin's, unless it was rotated since. */
  public String token() {
    return token;
  }

  public Path tokenFile() {
    return tokenFile;
  }

  /** What signs the changes; its public key is what agents are given. */
  public ChangeSigner signer() {
    return signer;
  }

  public String zooKeeper() {
    return (zooKeeper != null ? "embedded at " : "") + store.connectString();
  }

  /**
   * Starts the web dashboard on {@code port} (0 for a free one): the controller's address, and TLS
   * when the API has it; the same users and routes as the API.
   */
  public synchronized DashboardServer startDashboard(int port) throws IOException {
    if (dashboard == null) {
      dashboard =
          DashboardServer.start(
              dashboardParts.host(),
              port,
              dashboardParts.tls(),
              dashboardParts.users(),
              dashboardParts.routes(),
              dashboardParts.changes(),
              dashboardParts.output(),
              dashboardParts.heartbeat());
    }
    return dashboard;
  }

  @Override
  public void close() {
    rollouts.close();
    synchronized (this) {
      if (dashboard != null) {
        dashboard.close();
      }
    }
    server.close();
    audit.close();
    agents.close();
    users.close();
    store.close();
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private static void requireSafeAddress(ControllerConfig config) throws IOException {
    boolean loopback = InetAddress.getByName(config.host()).isLoopbackAddress();
    if (!loopback && config.tlsKeystore() == null && !config.plainHttpAllowed()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "listening on " + config.host() + " without TLS would send tokens and patches in clear",
          "give --tls-keystore (PKCS12) and --tls-password-file, or --allow-plain-http if a TLS proxy sits in front");
    }
  }

  /**
   * Makes the data directory 0700, or refuses one another user owns or may write to: it holds
   * ZooKeeper's log (every patch's source), the token and the ZooKeeper password.
   */
  private static void privateDataDir(Path dir) throws IOException {
    boolean existed = Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    String before =
        existed && FileTrust.isPosix(dir) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
            ? PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS))
            : "rwx------";
    FileTrust.ensurePrivateDirectory(
        dir,
        new FileTrust.Place(
            "the controller's data directory",
            "remove it if you do not know who made it, or give --data-dir a folder of your own",
            "give --data-dir a folder in a place only you (or root) can write to"));
    if (!before.equals("rwx------")) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the controller''s data directory {0} was readable by others (mode {1}); it is now 0700."
              + " Whoever could read it may have copied its token and ZooKeeper data: make a new"
              + " token if that matters",
          dir,
          before);
    }
  }

  private static ZooKeeperAccess zooKeeperAccess(ControllerConfig config) throws IOException {
    if (config.zookeeper() == null) {
      if (config.zooKeeperAuth() != null) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "--zk-auth is for an external ensemble (--zk)",
            "leave it out: the embedded ZooKeeper makes its own credentials in "
                + config.dataDir().resolve(ZOOKEEPER_AUTH));
      }
      return ZooKeeperAccess.embedded(config.dataDir().resolve(ZOOKEEPER_AUTH));
    }
    if (config.zooKeeperAuth() == null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "no --zk-auth: jlive''s nodes in ZooKeeper at {0} are open to every client of that"
              + " ensemble, which could read tokens and write changes",
          config.zookeeper());
      return ZooKeeperAccess.open();
    }
    return ZooKeeperAccess.fromFile(config.zooKeeperAuth());
  }

  private static String loadOrCreateToken(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(parent)) {
      FileTrust.ensurePrivateDirectory(
          parent,
          new FileTrust.Place(
              "the token file's folder",
              "give --token-file a path in a folder of your own",
              "give --token-file a path in a folder only you (or root) can write to"));
    }
    String token = SecretFile.readOrCreate(file, Tokens::create);
    if (token.length() < 16) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the token in " + file + " is shorter than 16 characters",
          "put a long random token there, or delete the file to have one made");
    }
    return token;
  }

  private static SSLContext tls(Path keystore, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
