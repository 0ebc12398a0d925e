package dev.jlive.demo.http;

/** A request the API cannot even parse: a missing or malformed parameter. Answered with 400. */
final class BadRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  BadRequestException(String message) {
    super(message);
  }
}
