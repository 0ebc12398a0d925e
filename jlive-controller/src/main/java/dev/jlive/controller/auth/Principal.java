package dev.jlive.controller.auth;

import java.util.List;
import java.util.stream.Collectors;

/** Who sent a request, once its token is checked: a user's name and its grants. */
public record Principal(String name, List<Grant> grants) {
  public Principal {
    grants = List.copyOf(grants);
  }

  public boolean may(Role needed, String service) {
    return grants.stream().anyMatch(grant -> grant.allows(needed, service));
  }

  public boolean maySomewhere(Role needed) {
    return grants.stream().anyMatch(grant -> grant.allowsSomewhere(needed));
  }

  public boolean isAgent() {
    return grants.stream().anyMatch(grant -> grant.role() == Role.AGENT);
  }

  /** The grants as written: {@code viewer@web, prober@shop}; "no role" when none. */
  public String describeGrants() {
    return grants.isEmpty()
        ? "no role"
        : grants.stream().map(Grant::toString).collect(Collectors.joining(", "));
  }
}
