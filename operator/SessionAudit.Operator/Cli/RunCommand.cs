using System.CommandLine;
using SessionAudit.Operator.Hosting;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit run`: the operator itself, against the cluster the kubeconfig names.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the operator: watch SessionLoggingPolicies and drive AWS toward them.");
        var options = RunOptions.Declare(command);
        command.SetAction(async (parse, ct) =>
            await OperatorRunner.RunAsync(options.ToConfiguration(parse), parse.InvocationConfiguration.Output, ct));
        return command;
    }
}
