package dev.jlive.itapps.h2;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.tools.Server;

/**
 * An H2 database server in TCP mode and, in the same JVM, JDBC clients that query it over the
 * socket in a loop, checking every answer. stdin: "stats" prints queries, failures and the last
 * failure; closing stdin ends the app.
 */
public final class H2App {
  private static final int CLIENTS = 2;
  private static final AtomicLong QUERIES = new AtomicLong();
  private static final AtomicLong FAILURES = new AtomicLong();
  private static final AtomicReference<String> LAST_FAILURE = new AtomicReference<>("");
  private static volatile boolean stopping;

  private H2App() {}

  public static void main(String[] args) throws Exception {
    Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    String url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:shop;DB_CLOSE_DELAY=-1";
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(40), price INT)");
      for (int id = 1; id <= 100; id++) {
        statement.execute("INSERT INTO item VALUES(" + id + ", 'item" + id + "', " + id * 10 + ")");
      }
    }
    Thread[] clients = new Thread[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = new Thread(() -> queryLoop(url), "jdbc-client-" + i);
      clients[i].start();
    }
    System.out.println("ready port=" + server.getPort() + " pid=" + ProcessHandle.current().pid());
    BufferedReader input =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = input.readLine(); line != null; line = input.readLine()) {
      if (line.trim().equals("stats")) {
        System.out.println(
            "stats queries="
                + QUERIES.get()
                + " failures="
                + FAILURES.get()
                + " last="
                + LAST_FAILURE.get());
      }
    }
    stopping = true;
    for (Thread client : clients) {
      client.join();
    }
    server.stop();
  }

  private static void queryLoop(String url) {
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        PreparedStatement query =
            connection.prepareStatement("SELECT name, price FROM item WHERE id = ?")) {
      for (int round = 0; !stopping; round++) {
        int id = round % 100 + 1;
        query.setInt(1, id);
        try (ResultSet rows = query.executeQuery()) {
          if (!rows.next() || rows.getInt(2) != id * 10 || !rows.getString(1).equals("item" + id)) {
            fail("wrong row for id " + id);
          }
        } catch (SQLException e) {
          fail(e.toString());
        }
        QUERIES.incrementAndGet();
        Thread.sleep(1);
      }
    } catch (SQLException | InterruptedException | RuntimeException e) {
      fail(e.toString());
    }
  }

  private static void fail(String why) {
    FAILURES.incrementAndGet();
    LAST_FAILURE.set(why);
    System.err.println("query failed: " + why);
  }
}
