/**
 * jlive-demo: a small HTTP shop with deliberate bugs, the service jlive is tried on.
 *
 * <p>{@link dev.jlive.demo.Main} is the command line; {@link dev.jlive.demo.DemoService} runs the
 * service in-process for tests. The domain is in {@code shop}, the HTTP API in {@code http} and the
 * load driver in {@code load}.
 */
package dev.jlive.demo;
