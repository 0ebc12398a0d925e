package dev.jlive.controller.auth;

import java.util.Locale;

/**
 * What a user may do. The engineers' roles form a ladder, each including the ones before it; {@link
 * #AGENT} stands apart: an agent's credential includes no engineer's role and no engineer's role
 * includes it, so a token taken from an application cannot change code, and an engineer's token is
 * never handed to an application.
 */
public enum Role {
  /** Services, processes, changes, metrics, events. */
  VIEWER,
  /** + add and remove probes. */
  PROBER,
  /** + add patches, revert any change. */
  PATCHER,
  /** + approve or reject others' changes. */
  APPROVER,
  /** + users and policies. */
  ADMIN,
  /** Register, sync and deregister processes of its service; nothing else. */
  AGENT;

  /** True when a user with this role may do what {@code needed} allows. */
  public boolean includes(Role needed) {
    if (this == AGENT || needed == AGENT) {
      return this == needed;
    }
    return ordinal() >= needed.ordinal();
  }

  /** As written in grants and messages: {@code patcher}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role written {@code text}, or null. */
  static Role named(String text) {
    for (Role role : values()) {
      if (role.wireName().equals(text)) {
        return role;
      }
    }
    return null;
  }
}
