package dev.jlive.cli.command;

import dev.jlive.cli.output.Printer;
import dev.jlive.protocol.user.UserBody;
import dev.jlive.protocol.user.UserInfo;
import dev.jlive.protocol.user.UserToken;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "users",
    description = {
      "The controller's users and their roles (needs admin).",
      "Roles: viewer, prober, patcher, approver, admin (each includes the ones before it),",
      "for every service or one (patcher@web); agent@SERVICE for an agent's credential."
    },
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Revoke.class,
      UsersCommand.Rotate.class
    })
public final class UsersCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a users command: add, list, revoke, rotate");
  }

  /** Prints a token once, with what to do with it. */
  static void printToken(Printer printer, UserToken answer, String what) {
    if (printer.isJson()) {
      printer.json(answer.toJson());
      return;
    }
    UserInfo user = answer.user();
    printer.line(what + " " + user.name() + " (" + String.join(", ", user.roles()) + ")");
    printer.line("token (shown this once; the controller keeps only its hash):");
    printer.line(answer.token());
  }

  @Command(
      name = "add",
      description = "Add a user; prints its token once. An agent's user has only agent@SERVICE.")
  public static final class Add extends ControllerClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name, e.g. alice.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE[@SERVICE]",
        description = "A role, for every service or one: viewer, prober@web, agent@web... Repeat.")
    List<String> roles;

    @Override
    public Integer call() {
      printToken(printer(), controller().addUser(new UserBody(name, roles)), "added");
      return 0;
    }
  }

  @Command(name = "list", description = "The users: name, roles, created, token last made.")
  public static final class ListUsers extends ControllerClientCommand {
    @Override
    public Integer call() {
      printer()
          .records(
              controller().users().toJson(),
              "users",
              List.of("NAME", "ROLES", "CREATED", "TOKEN MADE"),
              List.of("name", "roles", "createdAt", "rotatedAt"),
              "no users");
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Remove a user: its token is refused from its next request on.")
  public static final class Revoke extends ControllerClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      UserInfo user = controller().revokeUser(name);
      Printer printer = printer();
      if (printer.isJson()) {
        printer.json(user.toJson());
      } else {
        printer.line("revoked " + user.name() + ": its token is refused from now on");
      }
      return 0;
    }
  }

  @Command(
      name = "rotate",
      description = "Give a user a new token, printed once; the old one is refused from now on.")
  public static final class Rotate extends ControllerClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      printToken(printer(), controller().rotateUser(name), "rotated");
      return 0;
    }
  }
}
