/**
 * The shop's HTTP API on the JDK's {@code com.sun.net.httpserver}: routing, JSON answers, and the
 * fence that turns every failure into a JSON error instead of a dead connection.
 */
package dev.jlive.demo.http;
