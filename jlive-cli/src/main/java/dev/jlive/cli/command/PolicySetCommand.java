package dev.jlive.cli.command;

import dev.jlive.protocol.governance.Policy;
import dev.jlive.protocol.governance.PolicyAnswer;
import dev.jlive.protocol.rollout.RolloutPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "set",
    description = {
      "Set a service's sign-off policy (or with --default the one for services without their own).",
      "Options left out keep their current value. Needs the admin role.",
      "--rollout (with --bake, --gate, --min-calls) sets the staged rollout a change gets when it",
      "comes without one; --rollout none removes it."
    })
public final class PolicySetCommand extends ControllerClientCommand {
  @Mixin RolloutOptions rollout;

  @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Option(
      names = "--default",
      description = "Set the default for every service without a policy of its own.")
  boolean defaults;

  @Option(
      names = "--patch-approvals",
      paramLabel = "N",
      description = "Approvals a patch needs (0 to " + Policy.MAX_APPROVALS + ").")
  Integer patchApprovals;

  @Option(
      names = "--probe-approvals",
      paramLabel = "N",
      description = "Approvals a probe needs, other than a capture probe.")
  Integer probeApprovals;

  @Option(
      names = "--capture-approvals",
      paramLabel = "N",
      description =
          "Approvals a capture probe needs: it snapshots arguments and fields, which may hold personal data.")
  Integer captureApprovals;

  @Option(
      names = "--approvers",
      paramLabel = "USER,...",
      description =
          "The only users who may approve; --approvers= (empty) for anyone with the approver role.")
  String approvers;

  @Override
  public Integer call() {
    String target = target(spec, service, defaults, "set");
    Map<String, Object> plan = "none".equals(rollout.waves) ? null : rollout.plan();
    boolean planGiven = rollout.waves != null || rollout.waveBy != null;
    if (patchApprovals == null
        && probeApprovals == null
        && captureApprovals == null
        && approvers == null
        && !planGiven) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "say what to set: --patch-approvals, --probe-approvals, --capture-approvals, --approvers"
              + " or --rollout");
    }
    Policy current = controller().policy(target).policy();
    Policy wanted =
        new Policy(
            patchApprovals != null ? patchApprovals : current.patchApprovals(),
            probeApprovals != null ? probeApprovals : current.probeApprovals(),
            captureApprovals != null ? captureApprovals : current.captureApprovals(),
            approvers != null ? names(approvers) : current.approvers(),
            planGiven ? (plan == null ? null : RolloutPlan.fromJson(plan)) : current.rollout());
    PolicyAnswer answer = controller().setPolicy(target, wanted);
    PolicyShowCommand.print(printer(), answer);
    return 0;
  }

  /** The service named, or null for the default; exactly one of them. */
  static String target(
      CommandLine.Model.CommandSpec spec, String service, boolean defaults, String verb) {
    if ((service == null) == !defaults) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "name the service whose policy to "
              + verb
              + ", or give --default for the one of services without their own (not both)");
    }
    return service;
  }

  private static List<String> names(String list) {
    return Arrays.stream(list.split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .toList();
  }
}
