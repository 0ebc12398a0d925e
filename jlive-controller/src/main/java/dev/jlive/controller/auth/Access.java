package dev.jlive.controller.auth;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides whether a user may do an operation, and when not, says which role is missing and who can
 * grant it. The controller's routes ask before they do anything.
 */
public final class Access {
  private final Supplier<List<String>> admins;

  /**
   * @param admins the users who hold admin for every service, named in refusals as who can grant
   */
  public Access(Supplier<List<String>> admins) {
    this.admins = admins;
  }

  /**
   * Returns when {@code principal} may do {@code operation} on {@code service}, else throws 403.
   */
  public void check(Principal principal, Operation operation, String service) {
    Role needed = operation.needs();
    if (needed == null) {
      return;
    }
    boolean allowed =
        operation == Operation.LIST_SERVICES
            ? principal.maySomewhere(needed)
            : principal.may(needed, service);
    if (!allowed) {
      throw refusal(principal, operation, service);
    }
  }

  /** True when the services list may show {@code service} to {@code principal}. */
  public static boolean mayView(Principal principal, String service) {
    return principal.may(Role.VIEWER, service);
  }

  private JLiveException refusal(Principal principal, Operation operation, String service) {
    Role needed = operation.needs();
    // Users are managed for every service at once: an admin of one service could otherwise grant
    // itself any other.
    String grant =
        service == null || operation == Operation.MANAGE_USERS
            ? needed.wireName()
            : needed.wireName() + "@" + service;
    String doing = operation.doing(service);
    String message;
    if (needed == Role.AGENT) {
      message =
          principal.name()
              + " has "
              + principal.describeGrants()
              + "; "
              + doing
              + " needs "
              + grant
              + ", an agent credential: an engineer's token is not one, and an agent's is only for its own service";
    } else if (principal.isAgent()) {
      message =
          principal.name()
              + " is an agent credential ("
              + principal.describeGrants()
              + "): it can only register, sync and deregister its own service's processes; "
              + doing
              + " needs "
              + grant
              + " or above, an engineer's credential";
    } else {
      message =
          principal.name()
              + " has "
              + principal.describeGrants()
              + "; "
              + doing
              + " needs "
              + grant
              + (needed == Role.ADMIN ? "" : " or above");
    }
    List<String> who = admins.get();
    String hint =
        "an admin ("
            + (who.isEmpty() ? "see `jlive controller users list`" : String.join(", ", who))
            + ") can grant it: `jlive controller users add NAME --role "
            + grant
            + "` makes a user with its own token";
    return new JLiveException(ErrorCode.FORBIDDEN, message, hint);
  }
}
