package dev.jlive.agent.server;

import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import dev.jlive.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A deliberately small HTTP/1.1 server: one request per connection, bodies by Content-Length,
 * answers with {@code Connection: close}. Enough for a control endpoint, and nothing global.
 *
 * <p>One selector thread reads every connection's request line and headers, so a client that sends
 * slowly holds no worker. The request must be complete (line, headers and body) within {@link
 * #REQUEST_DEADLINE_MILLIS} of the connection, however the bytes trickle in. The token is checked
 * as soon as the headers are in, before any body is read; only complete, authenticated requests
 * reach the workers. Connections are capped in total and per peer; when a cap is full, the
 * connection that has waited longest for its headers is dropped to make room, so a valid request is
 * still answered while slow unauthenticated connections fill the caps.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads its configuration from system
 * properties once, when the first server of the JVM is made, and logs through the JDK's logging.
 * Started by the agent in {@code premain}, it took those decisions for the application: the demo
 * shop sets {@code sun.net.httpserver.nodelay} in its main method, and with the agent loaded first
 * its throughput fell by 60% (measured, docs/BENCHMARKS.md). This server touches no shared state of
 * the JVM.
 */
final class HttpListener implements AutoCloseable {
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Time from the connection to the last byte of the request: line, headers and body. */
  static final long REQUEST_DEADLINE_MILLIS = 10_000;

  /** Time to hand the answer to a client that does not read it. */
  static final long WRITE_DEADLINE_MILLIS = 10_000;

  static final int MAX_CONNECTIONS = 64;
  static final int MAX_CONNECTIONS_PER_PEER = 48;
  private static final long SWEEP_MILLIS = 100;

  /** On close, answers already on their way get this long to go out (a detach answers first). */
  private static final long CLOSE_GRACE_MILLIS = 1_000;

  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

  /** A request as read off the wire; header names are lower case. */
  record RawRequest(String method, String target, Map<String, String> headers, byte[] body) {}

  record Response(int status, String contentType, byte[] body) {
    static Response error(int status, ErrorCode code, String message, String hint) {
      return new Response(
          status,
          "application/json; charset=utf-8",
          Json.write(new JLiveException(code, message, hint).toJson())
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  interface Handler {
    /**
     * Called on the I/O thread as soon as the headers are read, before any body: null lets the
     * request in, a response refuses it. Must not block.
     */
    Response authenticate(RawRequest head);

    /** Answers an authenticated request on a worker, now or later (a long poll), exactly once. */
    void handle(RawRequest request, Consumer<Response> respond);
  }

  private enum State {
    READING_HEAD,
    READING_BODY,
    HANDLING,
    WRITING
  }

  private final ServerSocketChannel server;
  private final Selector selector;
  private final ExecutorService workers;
  private final Handler handler;
  private final int maxBodyBytes;
  private final Thread io;
  private final Queue<Runnable> fromOtherThreads = new ConcurrentLinkedQueue<>();

  /** Open connections, oldest first; touched by the I/O thread only. */
  private final Set<Connection> connections = new LinkedHashSet<>();

  private final Map<InetAddress, Integer> perPeer = new HashMap<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
  private volatile boolean closing;
  private volatile long closeBy;

  private HttpListener(
      ServerSocketChannel server,
      Selector selector,
      ExecutorService workers,
      Handler handler,
      int maxBodyBytes) {
    this.server = server;
    this.selector = selector;
    this.workers = workers;
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
    this.io = new Thread(this::run, "jlive-endpoint-io");
    this.io.setDaemon(true);
  }

  static HttpListener start(
      InetAddress address, int port, ExecutorService workers, Handler handler, int maxBodyBytes)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    Selector selector = null;
    try {
      server.bind(new InetSocketAddress(address, port), 128);
      server.configureBlocking(false);
      selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
    HttpListener listener = new HttpListener(server, selector, workers, handler, maxBodyBytes);
    listener.io.start();
    return listener;
  }

  String host() {
    return server.socket().getInetAddress().getHostAddress();
  }

  int port() {
    return server.socket().getLocalPort();
  }

  private void run() {
    try {
      while (!closing || answering() && System.nanoTime() - closeBy < 0) {
        selector.select(SWEEP_MILLIS);
        for (Runnable task = fromOtherThreads.poll();
            task != null;
            task = fromOtherThreads.poll()) {
          try {
            task.run();
          } catch (RuntimeException oneConnection) {
            // One answer that cannot be written must not stop the endpoint.
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          ready(key);
        }
        selector.selectedKeys().clear();
        sweep(System.nanoTime());
      }
    } catch (IOException | ClosedSelectorException stopped) {
      // The endpoint was closed.
    } finally {
      for (Connection connection : new ArrayList<>(connections)) {
        closeQuietly(connection);
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // Stopping anyway.
      }
    }
  }

  /** Whether a request is still being handled or answered. */
  private boolean answering() {
    for (Connection connection : connections) {
      if (connection.state == State.HANDLING || connection.state == State.WRITING) {
        return true;
      }
    }
    return false;
  }

  private void ready(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.channel() == server) {
      accept();
      return;
    }
    Connection connection = (Connection) key.attachment();
    try {
      if (key.isReadable()) {
        read(connection);
      } else if (key.isWritable()) {
        write(connection);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
    }
  }

  private void accept() {
    for (int i = 0; i < 64; i++) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        return; // One failed accept (e.g. the peer reset at once) must not stop the endpoint.
      }
      if (channel == null) {
        return;
      }
      try {
        admit(channel);
      } catch (IOException | RuntimeException e) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Already gone.
        }
      }
    }
  }

  private void admit(SocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    InetAddress peer = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
    if (perPeer.getOrDefault(peer, 0) >= MAX_CONNECTIONS_PER_PEER && !evictSlowest(peer)
        || connections.size() >= MAX_CONNECTIONS && !evictSlowest(null)) {
      // Every open connection is a request in hand; refuse this one, best effort, and move on.
      channel.write(
          ByteBuffer.wrap(
              bytes(
                  Response.error(
                      429,
                      ErrorCode.BUSY,
                      "the agent's endpoint is at its connection cap ("
                          + MAX_CONNECTIONS
                          + " in all, "
                          + MAX_CONNECTIONS_PER_PEER
                          + " per peer) with requests in hand",
                      "retry in a moment; close idle `jlive tail` sessions"))));
      channel.close();
      return;
    }
    Connection connection =
        new Connection(
            channel,
            peer,
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_DEADLINE_MILLIS));
    connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
    connections.add(connection);
    perPeer.merge(peer, 1, Integer::sum);
  }

  /** Drops the connection that has waited longest for its headers (of one peer, or of any). */
  private boolean evictSlowest(InetAddress peer) {
    for (Connection connection : connections) {
      if (connection.state == State.READING_HEAD
          && (peer == null || peer.equals(connection.peer))) {
        answer(
            connection,
            Response.error(
                429,
                ErrorCode.BUSY,
                "the agent's endpoint is at its connection cap and this connection sent no complete headers; dropped to make room",
                "send the whole request at once"));
        forget(connection);
        return true;
      }
    }
    return false;
  }

  private void read(Connection connection) throws IOException {
    readBuffer.clear();
    int n = connection.channel.read(readBuffer);
    if (n < 0 && connection.state == State.HANDLING) {
      clientStoppedSending(connection);
      return;
    }
    if (n < 0) {
      closeQuietly(connection);
      return;
    }
    readBuffer.flip();
    if (connection.state == State.READING_HEAD) {
      connection.append(readBuffer);
      int end = connection.endOfHead();
      if (end < 0 || end > MAX_HEADER_BYTES) {
        if (connection.length > MAX_HEADER_BYTES) {
          answer(
              connection,
              Response.error(
                  431,
                  ErrorCode.BAD_REQUEST,
                  "request line and headers larger than " + MAX_HEADER_BYTES + " bytes",
                  "send smaller headers"));
        }
        return;
      }
      headRead(connection, end);
    } else if (connection.state == State.READING_BODY) {
      connection.appendBody(readBuffer);
      bodyProgress(connection);
    }
  }

  private void headRead(Connection connection, int end) {
    RawRequest head;
    try {
      head = parseHead(new String(connection.buffer, 0, end, StandardCharsets.ISO_8859_1));
    } catch (JLiveException bad) {
      answer(
          connection,
          new Response(
              bad.code().httpStatus(),
              "application/json; charset=utf-8",
              Json.write(bad.toJson()).getBytes(StandardCharsets.UTF_8)));
      return;
    }
    Response refusal = handler.authenticate(head);
    if (refusal != null) {
      answer(connection, refusal);
      return;
    }
    if (head.headers().containsKey("transfer-encoding")) {
      answer(
          connection,
          Response.error(
              411,
              ErrorCode.BAD_REQUEST,
              "chunked request bodies are not supported",
              "send the body with a Content-Length"));
      return;
    }
    int length;
    try {
      length = Integer.parseInt(head.headers().getOrDefault("content-length", "0").trim());
    } catch (NumberFormatException e) {
      answer(
          connection,
          Response.error(
              400,
              ErrorCode.BAD_REQUEST,
              "Content-Length is not a number",
              "send the body's size in bytes"));
      return;
    }
    if (length < 0 || length > maxBodyBytes) {
      answer(
          connection,
          Response.error(
              413,
              ErrorCode.BAD_REQUEST,
              "request body larger than " + maxBodyBytes + " bytes",
              "send a smaller request"));
      return;
    }
    connection.head = head;
    connection.body = new byte[length];
    int already = Math.min(length, connection.length - end - END_OF_HEAD.length);
    System.arraycopy(connection.buffer, end + END_OF_HEAD.length, connection.body, 0, already);
    connection.bodyRead = already;
    connection.buffer = null;
    connection.state = State.READING_BODY;
    bodyProgress(connection);
  }

  private void bodyProgress(Connection connection) {
    if (connection.bodyRead < connection.body.length) {
      return;
    }
    connection.state = State.HANDLING;
    // A cancellable read stays watched: the end of its input stops it (clientStoppedSending).
    connection.key.interestOps(cancellable(connection.head) ? SelectionKey.OP_READ : 0);
    RawRequest head = connection.head;
    RawRequest request =
        new RawRequest(head.method(), head.target(), head.headers(), connection.body);
    try {
      workers.execute(
          () -> {
            connection.handledBy(Thread.currentThread());
            try {
              handler.handle(request, response -> answerFromWorker(connection, response));
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
              answerFromWorker(
                  connection,
                  Response.error(
                      500,
                      ErrorCode.INTERNAL_ERROR,
                      "the agent failed to answer: " + e,
                      "see the agent log"));
            } finally {
              connection.handled();
            }
          });
    } catch (RejectedExecutionException busyOrStopping) {
      answer(
          connection,
          Response.error(
              503,
              ErrorCode.AGENT_STOPPING,
              "the agent's endpoint is busy or stopping",
              "retry in a moment"));
    }
  }

  /**
   * A thread dump with a {@code --grep} is the one read that can take long (up to its budget) and
   * that is safe to stop half-way; other requests are short, or change something and are better
   * finished than stopped for a client that left.
   */
  private static boolean cancellable(RawRequest head) {
    return "GET".equals(head.method()) && head.target().startsWith(Api.THREADS);
  }

  /**
   * The client's input ended while its request is handled: it left, or it only closed its sending
   * side and still waits for the answer (both look the same here). The work is stopped (the worker
   * is interrupted, which a grep's budget checks), and the answer, now an error saying the request
   * was cancelled, is still written: a client that left makes that write fail and the connection
   * close; one that only stopped sending reads it.
   */
  private static void clientStoppedSending(Connection connection) {
    connection.key.interestOps(0);
    connection.interruptWorker();
  }

  /** Parses the request line and headers; throws a 400 for anything that is not HTTP/1.x. */
  static RawRequest parseHead(String head) {
    String[] lines = head.split("\r\n", -1);
    String[] parts = lines[0].split(" ", -1);
    if (parts.length != 3
        || parts[0].isEmpty()
        || parts[1].isEmpty()
        || !parts[2].startsWith("HTTP/1.")) {
      String shown = lines[0].length() > 80 ? lines[0].substring(0, 80) + "..." : lines[0];
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "not an HTTP/1.1 request line: " + shown,
          "send 'METHOD /path HTTP/1.1' followed by headers");
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new RawRequest(parts[0], parts[1], headers, new byte[0]);
  }

  /** Starts writing the answer; the connection closes when it is written. Once per connection. */
  private void answer(Connection connection, Response response) {
    if (!connection.answered.compareAndSet(false, true) || !connection.channel.isOpen()) {
      return;
    }
    connection.state = State.WRITING;
    connection.out = ByteBuffer.wrap(bytes(response));
    connection.writeDeadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_DEADLINE_MILLIS);
    try {
      write(connection);
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
    }
  }

  /**
   * Writes the answer from the thread that made it, as far as the socket takes it without waiting,
   * and leaves the rest and the close to the I/O thread. Handing the whole answer over put a
   * wake-up of the I/O thread, which waits for a CPU on a busy box, between every answer and its
   * client. The channel's reads and writes may run on two threads at once; the connection's state
   * stays the I/O thread's.
   */
  private void answerFromWorker(Connection connection, Response response) {
    if (!connection.answered.compareAndSet(false, true)) {
      return;
    }
    ByteBuffer out = ByteBuffer.wrap(bytes(response));
    boolean open = writeNow(connection.channel, out);
    fromOtherThreads.add(() -> answerWritten(connection, out, open));
    selector.wakeup();
  }

  /**
   * @return false when the client left or the I/O thread closed the connection
   */
  private static boolean writeNow(SocketChannel channel, ByteBuffer out) {
    try {
      channel.write(out);
      return true;
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  /** On the I/O thread: closes a connection whose answer went out, or writes the rest. */
  private void answerWritten(Connection connection, ByteBuffer out, boolean open) {
    if (!open || !out.hasRemaining() || !connection.channel.isOpen()) {
      closeQuietly(connection);
      return;
    }
    connection.state = State.WRITING;
    connection.out = out;
    connection.writeDeadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_DEADLINE_MILLIS);
    connection.key.interestOps(SelectionKey.OP_WRITE);
  }

  private void write(Connection connection) throws IOException {
    connection.channel.write(connection.out);
    if (connection.out.hasRemaining()) {
      connection.key.interestOps(SelectionKey.OP_WRITE);
    } else {
      closeQuietly(connection);
    }
  }

  private void sweep(long now) {
    List<Connection> late = new ArrayList<>();
    for (Connection connection : connections) {
      boolean reading =
          connection.state == State.READING_HEAD || connection.state == State.READING_BODY;
      if (reading && now - connection.readDeadline > 0
          || connection.state == State.WRITING && now - connection.writeDeadline > 0) {
        late.add(connection);
      }
    }
    for (Connection connection : late) {
      if (connection.state == State.WRITING) {
        closeQuietly(connection);
      } else {
        answer(
            connection,
            Response.error(
                408,
                ErrorCode.REQUEST_TIMEOUT,
                "the request was not complete within "
                    + REQUEST_DEADLINE_MILLIS / 1000
                    + " s of connecting",
                "send the whole request at once"));
        forget(connection);
      }
    }
  }

  /** Stops counting a connection against the caps; it may still finish writing its answer. */
  private void forget(Connection connection) {
    if (connections.remove(connection)) {
      perPeer.computeIfPresent(connection.peer, (peer, count) -> count > 1 ? count - 1 : null);
    }
    if (connection.state == State.WRITING
        && connection.out != null
        && connection.out.hasRemaining()) {
      // A dropped connection gets no more time than its one non-blocking write.
      closeQuietly(connection);
    }
  }

  private void closeQuietly(Connection connection) {
    forget(connection);
    try {
      connection.channel.close();
    } catch (IOException ignored) {
      // Nothing left to do for a connection that cannot even close.
    }
  }

  private static byte[] bytes(Response response) {
    byte[] head =
        ("HTTP/1.1 "
                + response.status()
                + " "
                + reason(response.status())
                + "\r\n"
                + "Content-Type: "
                + response.contentType()
                + "\r\n"
                + "Content-Length: "
                + response.body().length
                + "\r\n"
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + response.body().length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(response.body(), 0, all, head.length, response.body().length);
    return all;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Server Error" : "Error";
    };
  }

  /** Stops accepting at once; answers already on their way get {@link #CLOSE_GRACE_MILLIS}. */
  @Override
  public void close() throws IOException {
    closeBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
    closing = true;
    try {
      server.close();
    } finally {
      workers.shutdown();
      selector.wakeup();
    }
    if (Thread.currentThread() != io) {
      try {
        io.join(CLOSE_GRACE_MILLIS + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One connection's progress; touched by the I/O thread only, except {@link #answered}. */
  private static final class Connection {
    final SocketChannel channel;
    final InetAddress peer;
    final long readDeadline;
    final AtomicBoolean answered = new AtomicBoolean();
    SelectionKey key;
    State state = State.READING_HEAD;
    byte[] buffer = new byte[1024];
    int length;
    int scanFrom;
    RawRequest head;
    byte[] body;
    int bodyRead;
    ByteBuffer out;
    long writeDeadline;

    /** The worker handling this connection's request, while it does; guarded by this. */
    private Thread worker;

    synchronized void handledBy(Thread thread) {
      worker = thread;
    }

    /**
     * The worker is done: an interrupt meant for this request must not reach the worker's next
     * task.
     */
    synchronized void handled() {
      worker = null;
      Thread.interrupted();
    }

    synchronized void interruptWorker() {
      if (worker != null) {
        worker.interrupt();
      }
    }

    Connection(SocketChannel channel, InetAddress peer, long readDeadline) {
      this.channel = channel;
      this.peer = peer;
      this.readDeadline = readDeadline;
    }

    void append(ByteBuffer bytes) {
      scanFrom = Math.max(0, length - END_OF_HEAD.length + 1);
      if (length + bytes.remaining() > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes.remaining()));
      }
      int n = bytes.remaining();
      bytes.get(buffer, length, n);
      length += n;
    }

    /**
     * Where the blank line after the headers starts, or -1; scans only what the last read added.
     */
    int endOfHead() {
      outer:
      for (int i = scanFrom; i + END_OF_HEAD.length <= length; i++) {
        for (int j = 0; j < END_OF_HEAD.length; j++) {
          if (buffer[i + j] != END_OF_HEAD[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    void appendBody(ByteBuffer bytes) {
      int n = Math.min(bytes.remaining(), body.length - bodyRead);
      bytes.get(body, bodyRead, n);
      bodyRead += n;
    }
  }
}
