package dev.jlive.demo.http;

import dev.jlive.demo.shop.ShopException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns an exception from an endpoint into a JSON error, so one bad request never costs more than
 * its own answer.
 *
 * <p>Refusals by the shop and malformed requests are the client's business: they get a 4xx and no
 * log line. Anything else is a server error: a 500, a count in {@code /stats}, and a warning with
 * the stack trace the first time it is thrown from a given place. Later ones from the same place
 * are logged at debug level only, because under load the same bug fires thousands of times.
 */
final class ErrorFence {

  private static final System.Logger LOG = System.getLogger(ErrorFence.class.getName());

  private final LongAdder serverErrors = new LongAdder();
  private final Map<String, Boolean> reportedSites = new ConcurrentHashMap<>();

  Response answer(String method, String path, Throwable failure) {
    if (failure instanceof ShopException refused) {
      return Response.error(statusOf(refused), refused.error().code(), refused.getMessage());
    }
    if (failure instanceof BadRequestException bad) {
      return Response.error(400, "bad_request", bad.getMessage());
    }
    serverErrors.increment();
    String site = site(failure);
    Level level =
        reportedSites.putIfAbsent(site, Boolean.TRUE) == null ? Level.WARNING : Level.DEBUG;
    LOG.log(level, method + " " + path + " failed at " + site + "; answered 500", failure);
    return Response.error(500, "internal", failure.toString());
  }

  long serverErrors() {
    return serverErrors.sum();
  }

  private static int statusOf(ShopException refused) {
    return switch (refused.error()) {
      case UNKNOWN_PRODUCT, UNKNOWN_CART, UNKNOWN_ORDER -> 404;
      case INVALID_QUANTITY -> 400;
      case OUT_OF_STOCK, EMPTY_CART -> 409;
    };
  }

  private static String site(Throwable failure) {
    StackTraceElement[] trace = failure.getStackTrace();
    String where = trace.length == 0 ? "unknown" : trace[0].toString();
    return failure.getClass().getName() + " at " + where;
  }
}
