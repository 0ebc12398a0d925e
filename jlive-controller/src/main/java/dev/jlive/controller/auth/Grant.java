package dev.jlive.controller.auth;

import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.FleetApi;
import dev.jlive.protocol.JLiveException;

/**
 * A role for every service ({@code service} null, written {@code patcher}) or for one (written
 * {@code patcher@web}).
 */
public record Grant(Role role, String service) {

  /** Reads {@code ROLE} or {@code ROLE@SERVICE}; a clear error for anything else. */
  public static Grant parse(String text) {
    String value = text == null ? "" : text.trim();
    int at = value.indexOf('@');
    String roleName = at < 0 ? value : value.substring(0, at);
    String service = at < 0 ? null : value.substring(at + 1);
    Role role = Role.named(roleName);
    if (role == null) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + text + "' is not a role",
          "write ROLE or ROLE@SERVICE; roles: viewer, prober, patcher, approver, admin, and agent@SERVICE for agents");
    }
    if (service != null && !FleetApi.isValidName(service)) {
      throw new JLiveException(
          ErrorCode.BAD_REQUEST,
          "'" + service + "' in '" + text + "' is not a service name",
          "write ROLE@SERVICE, e.g. patcher@checkout");
    }
    return new Grant(role, service);
  }

  /** True when this grant allows {@code needed} on {@code onService} (null: on every service). */
  public boolean allows(Role needed, String onService) {
    return role.includes(needed) && (service == null || service.equals(onService));
  }

  /** True when this grant allows {@code needed} on at least one service. */
  public boolean allowsSomewhere(Role needed) {
    return role.includes(needed);
  }

  @Override
  public String toString() {
    return service == null ? role.wireName() : role.wireName() + "@" + service;
  }
}
