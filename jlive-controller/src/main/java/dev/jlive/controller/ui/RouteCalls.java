package dev.jlive.controller.ui;

import dev.jlive.controller.auth.Principal;
import dev.jlive.controller.http.ControllerServer;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the controller's own routes as a signed-in user: the dashboard decides nothing about who
 * may do what, it hands the session's {@link Principal} to the same {@link ControllerServer.Router}
 * the API uses, so every refusal (and its audit record) is the API's.
 */
final class RouteCalls {
  private static final System.Logger LOG = System.getLogger("jlive.controller");

  /** Long enough for a change that waits on ZooKeeper; the API's callers wait as long. */
  private static final long ANSWER_SECONDS = 60;

  private final ControllerServer.Router router;

  RouteCalls(ControllerServer.Router router) {
    this.router = router;
  }

  /** What a route answered: its HTTP status and JSON body. */
  record Answer(int status, Object body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  Answer call(
      Principal who,
      String method,
      String rawPath,
      Map<String, String> query,
      Map<String, Object> body,
      String from) {
    ControllerServer.Call call = null;
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    try {
      call = new ControllerServer.Call(method, segments(rawPath), query, body, who, from);
      router.route(call, (status, json) -> answer.complete(new Answer(status, json)));
      return answer.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    } catch (JLiveException e) {
      int status = e.code().httpStatus();
      if (status == 401 || status == 403) {
        router.refused(method, rawPath, call, from, e);
      }
      return new Answer(status, e.toJson());
    } catch (IllegalArgumentException e) {
      return error(
          ErrorCode.BAD_REQUEST,
          "the request is not valid: " + e.getMessage(),
          "correct what the message names and send it again; `jlive help` shows each field");
    } catch (TimeoutException e) {
      return error(
          ErrorCode.INTERNAL_ERROR,
          "the controller did not answer within " + ANSWER_SECONDS + " s",
          "look at the controller's log; the change may still be under way");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(
          ErrorCode.INTERNAL_ERROR,
          "the dashboard is stopping",
          "reload the page once the dashboard is back; the change may still have been made");
    } catch (ExecutionException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "dashboard call failed: " + method + " " + rawPath, e);
      return error(
          ErrorCode.INTERNAL_ERROR,
          "controller error: " + e,
          "the controller's log has the stack trace");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "dashboard call failed: " + method + " " + rawPath, e);
      return error(
          ErrorCode.INTERNAL_ERROR,
          "controller error: " + e,
          "the controller's log has the stack trace");
    }
  }

  /** A GET with no query and no body. */
  Answer get(Principal who, String path, Map<String, String> query, String from) {
    return call(who, "GET", path, query, Map.of(), from);
  }

  private static Answer error(ErrorCode code, String what, String hint) {
    return new Answer(code.httpStatus(), new JLiveException(code, what, hint).toJson());
  }

  /** The path's segments, decoded, as {@code ControllerServer} splits them. */
  static String[] segments(String rawPath) {
    String[] segments = rawPath.replaceAll("^/+|/+$", "").split("/");
    for (int i = 0; i < segments.length; i++) {
      segments[i] = URLDecoder.decode(segments[i], StandardCharsets.UTF_8);
    }
    return segments;
  }
}
