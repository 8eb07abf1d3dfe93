using System.CommandLine;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Model;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit plan -f policy.yaml|DIR`: what the operator would change in AWS, by field path; changes nothing.</summary>
public static class PlanCommand
{
    /// <summary>With --detailed-exitcode: the plan found changes (Terraform's convention: 0 none, 1 error, 2 changes).</summary>
    public const int ChangesPresent = 2;

    public static Command Create()
    {
        var command = new Command("plan", "Read AWS and print what the operator would change for the policies in a file or directory, by field path. Changes nothing.");
        var file = CliOptions.PolicyFile(required: true);
        var detailed = new Option<bool>("--detailed-exitcode")
        {
            Description = "Exit 0 when nothing would change, 2 when something would, 1 on an error (as terraform plan -detailed-exitcode).",
        };
        command.Options.Add(file);
        command.Options.Add(detailed);
        command.SetAction(async (parse, ct) =>
        {
            var detailedExit = parse.GetValue(detailed);
            try
            {
                var changes = await PlanAsync(parse.GetValue(file)!, parse.InvocationConfiguration.Output, ct);
                return detailedExit && changes ? ChangesPresent : 0;
            }
            catch (Exception e) when (detailedExit && e is not OperationCanceledException)
            {
                // 2 means "changes" here, so no error may leave with it.
                await parse.InvocationConfiguration.Error.WriteLineAsync($"session-audit: {(e is UsageException ? "" : "error: ")}{e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<bool> PlanAsync(FileInfo file, TextWriter stdout, CancellationToken ct)
    {
        var policies = PolicyFiles.Read(file);
        await using var aws = AwsCli.Create();
        var reconciler = new PolicyReconciler(aws.Scopes, TimeProvider.System);
        var any = false;
        foreach (var policy in policies)
        {
            var result = await reconciler.ReconcileAsync(policy, policies, ReconcileMode.DryRun, ct);
            var mode = policy.Spec.Mode == PolicyMode.Observe
                ? "Observe mode: the operator reports and never changes AWS"
                : "Enforce mode: the operator would apply these changes";
            await stdout.WriteLineAsync($"SessionLoggingPolicy {policy.Metadata.Name} (region {policy.Spec.Region}, document {policy.Spec.DocumentName}; {mode}):");
            var rendered = result.Plan.Render().TrimEnd();
            await stdout.WriteLineAsync(Indent(rendered));
            foreach (var c in result.Status.Conditions ?? [])
            {
                if (c.Type != ConditionTypes.Reconciling && c.Type != ConditionTypes.Stalled)
                {
                    await stdout.WriteLineAsync($"  {c.Type}={c.Status} {c.Reason}: {c.Message}");
                }
            }

            await stdout.WriteLineAsync();
            // An Observe policy's differences are reported, never applied: they are changes all the same for a CI gate.
            any |= !result.Plan.IsEmpty;
        }

        await stdout.WriteLineAsync(any ? "Plan: changes found." : "Plan: no changes. AWS matches every policy.");
        return any;
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));
}
