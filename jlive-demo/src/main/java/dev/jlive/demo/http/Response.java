package dev.jlive.demo.http;

/** A status and a JSON body. */
record Response(int status, String json) {

  static Response ok(Json body) {
    return new Response(200, body.toString());
  }

  static Response created(Json body) {
    return new Response(201, body.toString());
  }

  static Response error(int status, String code, String message) {
    return new Response(
        status, new Json().field("error", code).field("message", message).toString());
  }
}
