package dev.jlive.agent.server;

import dev.jlive.agent.AgentContext;
import dev.jlive.agent.inspect.ClassSearch;
import dev.jlive.agent.inspect.JvmInfo;
import dev.jlive.agent.inspect.MethodListing;
import dev.jlive.agent.inspect.ThreadDump;
import dev.jlive.protocol.Api;
import java.util.LinkedHashMap;
import java.util.Map;

/** The endpoint's API: which path and method runs which handler. */
final class Routes {
  private Routes() {}

  static Map<String, Route> all(AgentContext context) {
    Map<String, Route> routes = new LinkedHashMap<>();
    routes.put("GET " + Api.INFO, request -> JvmInfo.describe(context));
    routes.put("GET " + Api.THREADS, request -> ThreadDump.capture(request.optional("grep")));
    routes.put("GET " + Api.CLASSES, request -> ClassSearch.find(context.instrumentation(),
        request.require("pattern", "a class name or pattern such as com.acme.* or com.acme..*"),
        request.intParam("limit", 1000)));
    routes.put("GET " + Api.METHODS, request -> MethodListing.list(context.instrumentation(),
        request.require("class", "the fully qualified name of a loaded class"), request.optional("loader")));
    routes.put("POST " + Api.DETACH, request -> {
      context.log().log(System.Logger.Level.INFO, "detach requested by " + request.user());
      context.requestStop().run();
      return Map.of("detached", true);
    });
    return routes;
  }
}
