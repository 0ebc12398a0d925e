package dev.jlive.cli.client;

import dev.jlive.cli.CliException;
import dev.jlive.cli.ExitCode;
import dev.jlive.protocol.FleetApi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --service NAME}: aim a command at every process of a service, through the controller. */
public final class ServiceOptions {
  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "Every process of service NAME, through the controller (instead of a PID).")
  String service;

  @Mixin ControllerOptions controller = new ControllerOptions();

  public boolean isGiven() {
    return service != null;
  }

  /** The service name, checked to be one the controller can hold. */
  public String service() {
    return validName("service", service);
  }

  public ControllerOptions controller() {
    return controller;
  }

  /**
   * Refuses controller options on a command aimed at one JVM, where they would silently do nothing.
   */
  public void refuseWithoutService() {
    if (controller.isGiven()) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "--controller and --controller-token-file only go with --service NAME",
          "");
    }
  }

  /** A service name or label key checked against {@link FleetApi#NAME_PATTERN}. */
  public static String validName(String what, String name) {
    if (!FleetApi.isValidName(name)) {
      throw new CliException(
          ExitCode.USAGE,
          "USAGE",
          "'" + name + "' is not a valid " + what + " name",
          "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters");
    }
    return name;
  }
}
