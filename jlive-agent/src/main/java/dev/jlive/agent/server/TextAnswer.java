package dev.jlive.agent.server;

/** An answer that is not JSON, e.g. Prometheus metrics text. */
public record TextAnswer(String contentType, String body) {}
