package dev.jlive.agent.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * A deliberately small HTTP/1.1 server: one request per connection, bodies by Content-Length,
 * answers with {@code Connection: close}. Enough for a control endpoint, and nothing global.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads its configuration from system
 * properties once, when the first server of the JVM is made, and logs through the JDK's logging.
 * Started by the agent in {@code premain}, it took those decisions for the application: the
 * demo shop sets {@code sun.net.httpserver.nodelay} in its main method, and with the agent loaded
 * first its throughput fell by 60% (measured, docs/BENCHMARKS.md). This server touches no shared
 * state of the JVM.
 */
final class HttpListener implements AutoCloseable {
  static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /** A request as read off the wire; header names are lower case. */
  record RawRequest(String method, String target, Map<String, String> headers, byte[] body) {}

  record Response(int status, String contentType, byte[] body) {}

  interface Handler {
    Response handle(RawRequest request);
  }

  /** A request the server cannot read; answered with its status and message. */
  static final class BadRequest extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final ServerSocket socket;
  private final ExecutorService workers;
  private final Handler handler;
  private final int maxBodyBytes;
  private final Thread acceptor;

  private HttpListener(ServerSocket socket, ExecutorService workers, Handler handler, int maxBodyBytes) {
    this.socket = socket;
    this.workers = workers;
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
    this.acceptor = new Thread(this::accept, "jlive-endpoint-accept");
    this.acceptor.setDaemon(true);
  }

  static HttpListener start(InetAddress address, int port, ExecutorService workers, Handler handler, int maxBodyBytes)
      throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(address, port), 16);
    HttpListener listener = new HttpListener(socket, workers, handler, maxBodyBytes);
    listener.acceptor.start();
    return listener;
  }

  String host() {
    return socket.getInetAddress().getHostAddress();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        try {
          workers.execute(() -> serve(connection));
        } catch (RejectedExecutionException busyOrStopping) {
          connection.close();
        }
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // One failed accept (e.g. the peer reset at once) must not stop the endpoint.
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      connection.setSoTimeout(READ_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(connection.getInputStream());
      Response response;
      try {
        response = handler.handle(read(in));
      } catch (BadRequest e) {
        String json = "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"" + e.getMessage().replace("\"", "'") + "\",\"hint\":\"\"}}";
        response = new Response(e.status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
      }
      write(connection.getOutputStream(), response);
    } catch (IOException e) {
      // The client went away; there is no one left to answer.
    }
  }

  private RawRequest read(InputStream in) throws IOException {
    String requestLine = line(in);
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequest(400, "not an HTTP/1.1 request line: " + requestLine);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int headerBytes = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      headerBytes += header.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "request headers larger than " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = header.indexOf(':');
      if (colon > 0) {
        headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
      }
    }
    if (headers.containsKey("transfer-encoding")) {
      throw new BadRequest(411, "send the body with a Content-Length, not chunked");
    }
    int length;
    try {
      length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "Content-Length is not a number");
    }
    if (length < 0 || length > maxBodyBytes) {
      throw new BadRequest(413, "request body larger than " + maxBodyBytes + " bytes");
    }
    byte[] body = in.readNBytes(length);
    if (body.length != length) {
      throw new BadRequest(400, "the body ended before Content-Length bytes");
    }
    return new RawRequest(parts[0], parts[1], headers, body);
  }

  /** One CRLF-terminated line, ISO-8859-1 as HTTP headers are. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n' && previous == '\r') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      if (line.size() > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "request line or header too long");
      }
      line.write(b);
      previous = b;
    }
    throw new BadRequest(400, "the connection closed in the middle of a request");
  }

  private static void write(OutputStream out, Response response) throws IOException {
    String head = "HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
        + "Content-Type: " + response.contentType() + "\r\n"
        + "Content-Length: " + response.body().length + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(response.body());
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Server Error" : "Error";
    };
  }

  @Override
  public void close() throws IOException {
    socket.close();
    workers.shutdown();
  }
}
