using System.CommandLine;
using SessionAudit.Policy.Accounts;
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
        var externalId = CliOptions.ExternalId();
        externalId.Description = "External id of the AwsAccount in the files that keeps its own in a Secret (externalIdSecretRef), which plan does not read.";
        var detailed = new Option<bool>("--detailed-exitcode")
        {
            Description = "Exit 0 when nothing would change, 2 when something would, 1 on an error (as terraform plan -detailed-exitcode).",
        };
        command.Options.Add(file);
        command.Options.Add(detailed);
        command.Options.Add(externalId);
        command.SetAction(async (parse, ct) =>
        {
            var detailedExit = parse.GetValue(detailed);
            try
            {
                var outcome = await PlanAsync(parse.GetValue(file)!, parse.GetValue(externalId), parse.InvocationConfiguration.Output, ct);
                return !detailedExit ? 0 : outcome switch
                {
                    PlanOutcome.Error => 1,
                    PlanOutcome.Changes => ChangesPresent,
                    _ => 0,
                };
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

    private enum PlanOutcome
    {
        NoChanges,
        Changes,
        Error,
    }

    // Reasons that mean AWS could not be read or the policy cannot be planned: "no change" would not be known.
    private static readonly HashSet<string> CannotPlan = new(StringComparer.Ordinal)
    {
        "InvalidSpec", "Conflict", "AccountUnavailable", "NotAllowed", "AccessDenied", "AwsRejected", "AwsNotFound", "AwsThrottled", "AwsUnavailable", "AwsConflict",
    };

    private static async Task<PlanOutcome> PlanAsync(FileInfo file, string? externalId, TextWriter stdout, CancellationToken ct)
    {
        var (policies, accounts) = PolicyFiles.ReadManifests(file);
        await using var aws = AwsCli.Create();
        var reconciler = new PolicyReconciler(aws.Scopes, TimeProvider.System);
        int changed = 0, failed = 0, notReady = 0;
        foreach (var policy in policies)
        {
            // The AwsAccounts of the files stand in for the cluster's; a Secret is not read, --external-id gives its value.
            var account = AccountContext.Resolve(policy.Spec, accounts, externalId);
            if (AccountDirectory.Resolve(policy.Spec, accounts).Account is { Spec.ExternalIdSecretRef: { } secret } a && string.IsNullOrEmpty(externalId))
            {
                account = new AccountContext(null, $"AwsAccount {a.Name} keeps its external id in Secret {secret.Name} (key {secret.Key}), which plan does not read: pass --external-id", accounts);
            }

            var result = await reconciler.ReconcileAsync(policy, policies, account, ReconcileMode.DryRun, ct);
            var mode = policy.Spec.Mode == PolicyMode.Observe
                ? "Observe mode: the operator reports and never changes AWS"
                : "Enforce mode: the operator would apply these changes";
            await stdout.WriteLineAsync($"SessionLoggingPolicy {policy.Metadata.Name} (region {policy.Spec.Region}, document {policy.Spec.DocumentName}; {mode}):");
            var rendered = result.Plan.Render().TrimEnd();
            await stdout.WriteLineAsync(Indent(rendered));
            var conditions = result.Status.Conditions ?? [];
            foreach (var c in conditions)
            {
                if (c.Type != ConditionTypes.Reconciling && c.Type != ConditionTypes.Stalled)
                {
                    await stdout.WriteLineAsync($"  {c.Type}={c.Status} {c.Reason}: {c.Message}");
                }
            }

            await stdout.WriteLineAsync();
            if (conditions.Any(c => c.Status == "Unknown" || CannotPlan.Contains(c.Reason)))
            {
                failed++;
            }
            // Held settings plan no write but still differ from the spec (status drift): a change all the same for a CI
            // gate, as are an Observe policy's differences, which are reported and never applied.
            else if (!result.Plan.IsEmpty || result.Status.Drift is { Count: > 0 })
            {
                changed++;
            }

            if (conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is not { Status: "True" })
            {
                notReady++;
            }
        }

        var ready = notReady == 0 ? " AWS matches every policy." : $" {notReady} of {policies.Count} policies are not Ready: see their conditions above.";
        await stdout.WriteLineAsync(
            failed > 0 ? $"Plan: {failed} of {policies.Count} policies could not be planned (AWS could not be read, the policy is invalid or in conflict, its AwsAccount is missing, or a guardrail refuses it): see above."
            : changed > 0 ? $"Plan: changes found for {changed} of {policies.Count} policies."
            : "Plan: no changes." + ready);
        return failed > 0 ? PlanOutcome.Error : changed > 0 ? PlanOutcome.Changes : PlanOutcome.NoChanges;
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));
}
