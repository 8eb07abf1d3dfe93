using System.CommandLine;
using SessionAudit.Policy.Conditions;
using SessionAudit.Policy.Reconciliation;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit plan -f policy.yaml`: what the operator would change in AWS, by field path; changes nothing.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var command = new Command("plan", "Read AWS and print what the operator would change for the policies in a file, by field path. Changes nothing.");
        var file = CliOptions.PolicyFile(required: true);
        command.Options.Add(file);
        command.SetAction(async (parse, ct) =>
        {
            var policies = PolicyFiles.Read(parse.GetValue(file)!);
            var stdout = parse.InvocationConfiguration.Output;
            await using var aws = AwsCli.Create();
            var reconciler = new PolicyReconciler(aws.Scopes, TimeProvider.System);
            foreach (var policy in policies)
            {
                var result = await reconciler.ReconcileAsync(policy, policies, ReconcileMode.DryRun, ct);
                await stdout.WriteLineAsync($"SessionLoggingPolicy {policy.Metadata.Name} (region {policy.Spec.Region}, document {policy.Spec.DocumentName}):");
                var rendered = result.Plan.Render().TrimEnd();
                await stdout.WriteLineAsync(rendered.Length == 0 ? "  no changes" : Indent(rendered));
                foreach (var c in result.Status.Conditions ?? [])
                {
                    if (c.Type != ConditionTypes.Reconciling && c.Type != ConditionTypes.Stalled)
                    {
                        await stdout.WriteLineAsync($"  {c.Type}={c.Status} {c.Reason}: {c.Message}");
                    }
                }

                await stdout.WriteLineAsync();
            }

            return 0;
        });
        return command;
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));
}
