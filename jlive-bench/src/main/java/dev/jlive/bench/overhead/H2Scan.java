package dev.jlive.bench.overhead;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A probe on code jlive did not write: an aggregate query over an in-memory H2 table, with the
 * probe on {@code ExpressionColumn#getValue}, the small method H2 calls for every column of every
 * row it reads (H2's own caller, H2's own receiver and argument types). The calls per query are
 * counted once per fork by a count probe, so the cost per call is (score - score of {@code none}) /
 * calls per query. One thread by default: with two, H2's sessions contend and the forks' time per
 * query without any probe spread from 26 to 54 µs, far more than a probe costs (BENCHMARKS.md,
 * section 55.4).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Djdk.attach.allowAttachSelf=true", ProbeOverhead.RUNTIME_DIR})
public class H2Scan {
  static final String SELECTOR = "org.h2.expression.ExpressionColumn#getValue";
  static final String URL = "jdbc:h2:mem:jlive-bench;DB_CLOSE_DELAY=-1";
  static final int ROWS = 100;

  /** The query each operation runs: every row read, two columns of each. */
  static final String QUERY = "SELECT SUM(QTY * PRICE + ?) FROM ORDERS";

  /** The table, the agent and the probe, once per fork. */
  @State(Scope.Benchmark)
  public static class Probe extends ProbeState {
    @Param({"current"})
    public String agent;

    @Param({"none", "count", "metrics", "metrics-every-call", "log-when-false"})
    public String scenario;

    @Setup(Level.Trial)
    public void add() throws Exception {
      createTable();
      TwoThreads.attach(agent);
      Session calibration = new Session();
      calibration.open();
      control = new ProbeControl(scenario);
      control.callsPerRun(SELECTOR, calibration::sumUnchecked, 1000);
      calibration.close();
      control.add(spec(scenario));
    }

    @TearDown(Level.Trial)
    public void dropTable() throws SQLException {
      synchronized (H2Scan.class) {
        try (Statement drop = owner.createStatement()) {
          drop.execute("DROP TABLE ORDERS");
        }
        owner.close();
        owner = null;
      }
    }
  }

  /** Keeps the in-memory database open for the fork; held under the class's lock. */
  private static Connection owner;

  /** Made by the first state JMH sets up: a thread's session may come before the probe. */
  static synchronized void createTable() throws SQLException {
    if (owner != null) {
      return;
    }
    owner = DriverManager.getConnection(URL);
    try (Statement create = owner.createStatement()) {
      create.execute("CREATE TABLE ORDERS(SKU INT PRIMARY KEY, QTY INT, PRICE BIGINT)");
      create.execute(
          "INSERT INTO ORDERS SELECT X, MOD(X, 7) + 1, 100 + X FROM SYSTEM_RANGE(1, " + ROWS + ")");
    }
  }

  /** Each thread's own connection and statement, and its varying parameter. */
  @State(Scope.Thread)
  public static class Session {
    private Connection connection;
    private PreparedStatement query;
    private int call;

    @Setup(Level.Trial)
    public void open() throws SQLException {
      createTable();
      connection = DriverManager.getConnection(URL);
      query = connection.prepareStatement(QUERY);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      query.close();
      connection.close();
    }

    long sum() throws SQLException {
      query.setInt(1, call++ & 7);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }

    void sumUnchecked() {
      try {
        sum();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Benchmark
  public long query(Probe probe, Session session) throws SQLException {
    return session.sum();
  }

  static Map<String, Object> spec(String scenario) {
    return ProbeScenarios.onForeignCode(SELECTOR, scenario);
  }
}
