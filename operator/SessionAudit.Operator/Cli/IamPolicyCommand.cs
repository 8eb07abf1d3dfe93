using System.CommandLine;
using SessionAudit.Operator.Iam;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit iam-policy [-f policy.yaml]`: the IAM policy the operator's role needs.</summary>
public static class IamPolicyCommand
{
    public static Command Create()
    {
        var command = new Command("iam-policy", "Print the least-privilege IAM policy for the operator's role; with -f, scoped to the ARNs those policies name.");
        var file = CliOptions.PolicyFile(required: false);
        var output = CliOptions.Output();
        command.Options.Add(file);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            IReadOnlyList<SessionLoggingPolicySpec>? specs = null;
            if (parse.GetValue(file) is { } f)
            {
                specs = PolicyFiles.Read(f).Select(p => p.Spec).ToList();
            }

            await OutputFile.WriteAsync(parse.GetValue(output), parse.InvocationConfiguration.Output, IamPolicyBuilder.Build(specs), ct);
            return 0;
        });
        return command;
    }
}
