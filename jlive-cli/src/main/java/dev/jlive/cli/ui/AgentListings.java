package dev.jlive.cli.ui;

import dev.jlive.cli.CliException;
import dev.jlive.cli.client.AgentClient;
import dev.jlive.controller.ui.SelectorCheck;
import dev.jlive.protocol.Api;
import dev.jlive.protocol.ErrorCode;
import dev.jlive.protocol.JLiveException;
import java.util.List;
import java.util.Map;

/** The selector check's listings under {@code jlive ui}: the one agent's own. */
final class AgentListings implements SelectorCheck.Listings {
  private final AgentClient agent;

  AgentListings(AgentClient agent) {
    this.agent = agent;
  }

  @Override
  public SelectorCheck.Listing list(
      String pattern, int limit, String className, boolean withMethods) {
    List<String> classes;
    try {
      classes =
          pattern == null
              ? List.of()
              : SelectorCheck.classNames(
                  agent.get(
                      Api.CLASSES, Map.of("pattern", pattern, "limit", Integer.toString(limit))));
    } catch (CliException e) {
      throw refusal(e);
    }
    if (!withMethods) {
      return new SelectorCheck.Listing(classes, List.of(), null, null);
    }
    try {
      return new SelectorCheck.Listing(
          classes,
          SelectorCheck.methodList(agent.get(Api.METHODS, Map.of("class", className))),
          null,
          null);
    } catch (CliException e) {
      return new SelectorCheck.Listing(classes, List.of(), refusal(e), null);
    }
  }

  /** The agent's refusal (or why it cannot be reached) as the check reports it. */
  static JLiveException refusal(CliException e) {
    ErrorCode code = ErrorCode.fromName(e.code());
    return new JLiveException(
        code == null ? ErrorCode.INTERNAL_ERROR : code, e.getMessage(), e.hint());
  }
}
