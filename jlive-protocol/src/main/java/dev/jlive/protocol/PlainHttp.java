package dev.jlive.protocol;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The rule for talking to a controller without TLS: {@code http://} only to this machine (a
 * loopback address), unless the user says explicitly that plain HTTP is fine (a TLS-terminating
 * proxy on the way, a private test network). Over plain HTTP the token goes out and code comes back
 * in clear, so anyone on the path could take the one or change the other.
 */
public final class PlainHttp {
  private PlainHttp() {}

  /**
   * Refuses {@code controller} when it is {@code http://} to another machine and {@code allowed} is
   * false.
   *
   * @param allowFlag how the user allows it, for the hint ({@code allowPlainHttp=true}, {@code
   *     --allow-plain-http})
   * @throws JLiveException BAD_REQUEST, saying what to write instead
   */
  public static void check(URI controller, boolean allowed, String allowFlag) {
    if (allowed
        || !"http".equals(String.valueOf(controller.getScheme()).toLowerCase(Locale.ROOT))
        || isLoopback(controller.getHost())) {
      return;
    }
    throw new JLiveException(
        ErrorCode.BAD_REQUEST,
        "refusing plain http:// to the controller at "
            + controller.getHost()
            + ", which is not this machine: the token and the code of every change would cross"
            + " the network in clear",
        "use https://"
            + controller.getRawAuthority()
            + " (the controller's --tls-keystore), or add "
            + allowFlag
            + " if a TLS-terminating proxy or a trusted private link is in between");
  }

  /** True for {@code localhost} and addresses that all resolve to loopback. */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String name =
        host.length() > 1 && host.startsWith("[") && host.endsWith("]")
            ? host.substring(1, host.length() - 1)
            : host;
    if (name.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(name);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException | SecurityException unresolved) {
      // Not known to be this machine: treated as another one.
      return false;
    }
  }
}
