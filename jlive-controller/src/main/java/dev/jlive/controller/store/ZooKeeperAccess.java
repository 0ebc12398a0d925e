package dev.jlive.controller.store;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Who the controllers are to ZooKeeper, and who may touch jlive's nodes: only that identity.
 *
 * <p>ZooKeeper's {@code digest} scheme names a client by {@code user:password}; every node jlive
 * creates (under {@code /jlive}, whoever's code creates it, as long as it uses a client from {@link
 * #clientBuilder}) carries one ACL, all permissions for that digest and nothing for anyone else, so
 * a client without the password can neither read a node (tokens, changes) nor write one. The
 * embedded server also refuses every request of a client that has not authenticated at all (see
 * {@link EmbeddedZooKeeper}), and its root is locked the same way, so such a client cannot even
 * create nodes beside jlive's.
 *
 * <p>Nodes made before (by an older controller, with ZooKeeper's default {@code world:anyone}) get
 * the ACL when a controller starts, rather than the start being refused: the data is the
 * controllers' own and a restart after an upgrade must just work. The walk sets {@code /jlive}
 * last, so a {@code /jlive} that carries the ACL means the whole tree does, and later starts skip
 * the walk. A node whose ACL this identity may not change (locked by other credentials) stops the
 * start with a message saying to give the same credentials as the other controllers.
 *
 * <p>Without credentials ({@link #open()}: an external ensemble and no {@code --zk-auth}) nodes are
 * created as before, readable and writable by any client of that ensemble.
 */
public final class ZooKeeperAccess {
  public static final String JLIVE = "/jlive";
  private static final String SCHEME = "digest";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String user;
  private final String password;
  private final boolean wholeServer;

  private ZooKeeperAccess(String user, String password, boolean wholeServer) {
    this.user = user;
    this.password = password;
    this.wholeServer = wholeServer;
  }

  /** No credentials: nodes open to every client of the ensemble. */
  public static ZooKeeperAccess open() {
    return new ZooKeeperAccess(null, null, false);
  }

  /** The digest identity {@code user:password}, for jlive's nodes of an external ensemble. */
  public static ZooKeeperAccess digest(String user, String password) {
    if (user.isEmpty() || user.contains(":") || password.isEmpty()) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "a ZooKeeper digest identity needs a user without ':' and a password",
          "write digest=USER:PASSWORD");
    }
    return new ZooKeeperAccess(user, password, false);
  }

  /**
   * The credentials in an operator's {@code --zk-auth} file: a secret file (mode 0600) of lines
   * {@code digest=USER:PASSWORD}; blank lines and lines starting with '#' are ignored.
   */
  public static ZooKeeperAccess fromFile(Path file) throws IOException {
    String credentials = null;
    for (String line : SecretFile.read(file).split("\n")) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      int eq = text.indexOf('=');
      String key = eq < 0 ? text : text.substring(0, eq).strip();
      if (!key.equals(SCHEME) || credentials != null) {
        throw new JLiveException(
            ErrorCode.BAD_REQUEST,
            "the ZooKeeper credentials file "
                + file
                + (key.equals(SCHEME)
                    ? " names more than one identity"
                    : " has '" + key + "', which jlive does not know (only digest is supported)"),
            "write one line: digest=USER:PASSWORD, the identity all controllers share");
      }
      credentials = text.substring(eq + 1).strip();
    }
    if (credentials == null || credentials.indexOf(':') <= 0) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "the ZooKeeper credentials file " + file + " has no digest=USER:PASSWORD line",
          "write one line: digest=USER:PASSWORD, the identity all controllers share");
    }
    int colon = credentials.indexOf(':');
    return digest(credentials.substring(0, colon), credentials.substring(colon + 1));
  }

  /**
   * The embedded server's identity: in {@code file} (the {@code --zk-auth} format), made with a
   * random password on first start. Its root is locked to it too, as the server is the controller's
   * alone.
   */
  public static ZooKeeperAccess embedded(Path file) throws IOException {
    SecretFile.readOrCreate(
        file,
        () -> {
          byte[] random = new byte[24];
          RANDOM.nextBytes(random);
          return "# the embedded ZooKeeper's identity for jlive controllers (zkCli: addauth "
              + SCHEME
              + " USER:PASSWORD)\n"
              + SCHEME
              + "=jlive-controller:"
              + HexFormat.of().formatHex(random);
        });
    ZooKeeperAccess read = fromFile(file);
    return new ZooKeeperAccess(read.user, read.password, true);
  }

  public boolean isOpen() {
    return user == null;
  }

  /** A Curator client builder that authenticates as this identity and gives new nodes its ACL. */
  public CuratorFrameworkFactory.Builder clientBuilder(String connectString) {
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder().connectString(connectString);
    if (isOpen()) {
      return builder;
    }
    List<ACL> acl = acl();
    return builder
        .authorization(SCHEME, (user + ":" + password).getBytes(StandardCharsets.UTF_8))
        .aclProvider(
            new ACLProvider() {
              @Override
              public List<ACL> getDefaultAcl() {
                return acl;
              }

              @Override
              public List<ACL> getAclForPath(String path) {
                return acl;
              }
            });
  }

  /** All permissions for this identity, none for anyone else. */
  public List<ACL> acl() {
    try {
      // Not List.of: ZooKeeper checks the list with contains(null), which List.of refuses.
      return Collections.singletonList(
          new ACL(
              ZooDefs.Perms.ALL,
              new Id(SCHEME, DigestAuthenticationProvider.generateDigest(user + ":" + password))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1, which ZooKeeper's digest needs", e);
    }
  }

  /**
   * Gives every existing node under {@code /jlive} (and, for the embedded server, its root) this
   * identity's ACL; for open access, checks that {@code /jlive} is not locked to someone else.
   *
   * @throws JLiveException when a node is locked to other credentials
   */
  public void secure(CuratorFramework client) throws Exception {
    try {
      if (isOpen()) {
        if (client.checkExists().forPath(JLIVE) != null) {
          client.getChildren().forPath(JLIVE);
        }
        return;
      }
      List<ACL> acl = acl();
      if (wholeServer && !acl.equals(client.getACL().forPath("/"))) {
        setAcl(client, "/", acl);
      }
      if (client.checkExists().forPath(JLIVE) == null) {
        return;
      }
      if (!acl.equals(readAcl(client, JLIVE))) {
        secureTree(client, JLIVE, acl);
      }
    } catch (KeeperException.NoAuthException locked) {
      // Even asking whether a node exists needs its READ permission.
      throw lockedBy(
          locked.getPath() == null ? JLIVE : locked.getPath(),
          isOpen()
              ? "give --zk-auth FILE with the credentials the other controllers use"
              : sameCredentials());
    }
  }

  /** Children first, the node itself last, so a node with the ACL has a secured subtree. */
  private static void secureTree(CuratorFramework client, String path, List<ACL> acl)
      throws Exception {
    List<String> children;
    try {
      children = client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException gone) {
      return;
    } catch (KeeperException.NoAuthException locked) {
      throw lockedBy(path, sameCredentials());
    }
    for (String child : children) {
      secureTree(client, (path.equals("/") ? "" : path) + "/" + child, acl);
    }
    if (!acl.equals(readAcl(client, path))) {
      setAcl(client, path, acl);
    }
  }

  private static List<ACL> readAcl(CuratorFramework client, String path) throws Exception {
    try {
      return client.getACL().forPath(path);
    } catch (KeeperException.NoAuthException locked) {
      throw lockedBy(path, sameCredentials());
    } catch (KeeperException.NoNodeException gone) {
      return List.of();
    }
  }

  private static void setAcl(CuratorFramework client, String path, List<ACL> acl) throws Exception {
    try {
      client.setACL().withACL(acl).forPath(path);
    } catch (KeeperException.NoNodeException gone) {
      // an ephemeral node whose session ended meanwhile
    } catch (KeeperException.NoAuthException locked) {
      throw lockedBy(path, sameCredentials());
    }
  }

  private static String sameCredentials() {
    return "give --zk-auth FILE with the same digest=USER:PASSWORD as the controllers that made it";
  }

  private static JLiveException lockedBy(String path, String hint) {
    return new JLiveException(
        ErrorCode.STORE_UNAVAILABLE,
        "ZooKeeper node "
            + path
            + " belongs to other credentials than this controller's, so it can neither read nor"
            + " secure jlive's data",
        hint);
  }

  @Override
  public String toString() {
    return isOpen() ? "open (no ZooKeeper credentials)" : SCHEME + " user " + user;
  }
}
