package dev.jlive.agent.server;

/**
 * A handler of one path and method. The answer is a JSON value (maps, lists, strings, numbers);
 * errors are thrown as {@link dev.jlive.protocol.JLiveException}.
 */
@FunctionalInterface
public interface Route {
  Object handle(Request request) throws Exception;
}
