package dev.jlive.demo.http;

/** Answers one route. May throw: the {@link Router} turns every exception into a JSON error. */
@FunctionalInterface
interface Endpoint {
  Response handle(Request request);
}
