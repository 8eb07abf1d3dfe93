using System.CommandLine;
using System.Text.RegularExpressions;
using SessionAudit.Operator.Iam;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit iam-policy [-f FILE]... [--for operator|target|trust] [--account NAME]`: the IAM documents
/// the operator needs. Each run prints one document, ready for `aws iam put-role-policy`/`create-role`.</summary>
public static class IamPolicyCommand
{
    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    /// <summary>The documents --for chooses between.</summary>
    public enum Document
    {
        /// <summary>The operator role's policy, in its own account.</summary>
        Operator,

        /// <summary>The permissions policy of an AwsAccount's role.</summary>
        Target,

        /// <summary>The trust policy of an AwsAccount's role.</summary>
        Trust,
    }

    public static Command Create()
    {
        var command = new Command("iam-policy",
            "Print a least-privilege IAM document. Without -f: the operator role's policy for any resource (deploy/iam/policy.json). " +
            "With -f (SessionLoggingPolicies and AwsAccounts): --for operator (default) the operator role's policy, sts:AssumeRole only on the AwsAccounts' roles; " +
            "--for target the permissions policy of an AwsAccount's role; --for trust its trust policy.");
        var files = new Option<FileInfo[]>("--file", "-f")
        {
            Description = "Manifests (YAML or JSON, several documents each) holding SessionLoggingPolicies and AwsAccounts, or directories of them; repeat -f for more.",
        };
        var document = new Option<string>("--for")
        {
            Description = "Which document: operator (the operator role's policy), target (the permissions policy of --account's role), trust (the trust policy of --account's role).",
            DefaultValueFactory = _ => "operator",
        };
        document.AcceptOnlyFromAmong("operator", "target", "trust");
        var account = new Option<string?>("--account")
        {
            Description = "The AwsAccount (metadata.name) whose role --for target and --for trust describe; needed when -f gives more than one AwsAccount with a roleArn.",
        };
        var operatorRole = new Option<string?>("--operator-role-arn")
        {
            Description = "ARN of the operator's own role (its IRSA role). Required with --for trust (the principal allowed to assume the target role); with --for operator, its account scopes the ARNs of the policies acting in that account.",
        };
        var externalId = new Option<string?>("--external-id")
        {
            Description = "With --for trust: the external id the trust policy requires, when --account keeps it in a Secret (externalIdSecretRef), which this command cannot read. Without it, the trust policy holds a placeholder to replace.",
        };
        var output = CliOptions.Output();
        command.Options.Add(files);
        command.Options.Add(document);
        command.Options.Add(account);
        command.Options.Add(operatorRole);
        command.Options.Add(externalId);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(files) ?? [];
            var which = Enum.Parse<Document>(parse.GetValue(document)!, ignoreCase: true);
            var roleArn = parse.GetValue(operatorRole);
            if (roleArn is not null && !Regex.IsMatch(roleArn, Patterns.RoleArn))
            {
                throw new UsageException($"--operator-role-arn: '{roleArn}' is not an IAM role ARN (arn:aws:iam::111122223333:role/NAME)");
            }

            string text;
            if (given.Length == 0)
            {
                if (which != Document.Operator || parse.GetValue(account) is not null || parse.GetValue(externalId) is not null || roleArn is not null)
                {
                    throw new UsageException("--for target|trust, --account, --external-id and --operator-role-arn need -f with the AwsAccounts (and policies) to describe");
                }

                text = IamPolicyBuilder.Build();
            }
            else
            {
                var (policies, accounts) = Read(given);
                text = Render(policies, accounts, which, parse.GetValue(account), roleArn, parse.GetValue(externalId), parse.InvocationConfiguration.Error);
            }

            await OutputFile.WriteAsync(parse.GetValue(output), parse.InvocationConfiguration.Output, text, ct);
            return 0;
        });
        return command;
    }

    /// <summary>The document <paramref name="which"/> of the policies and AwsAccounts read with -f; notes (a placeholder
    /// to replace) go to <paramref name="stderr"/>. Throws <see cref="UsageException"/> when they do not describe it.</summary>
    public static string Render(IReadOnlyList<SessionLoggingPolicy> policies, IReadOnlyList<AwsAccount> accounts, Document which,
        string? accountName, string? operatorRoleArn, string? externalId, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        AccountIamPolicies documents;
        try
        {
            documents = new AccountIamPolicies(policies, accounts);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--file: {e.Message}");
        }

        if (which == Document.Operator)
        {
            if (accountName is not null || externalId is not null)
            {
                throw new UsageException("--account and --external-id go with --for target or --for trust");
            }

            return documents.OperatorPolicy(Arn.AccountOfRole(operatorRoleArn));
        }

        var target = Choose(documents, accounts, accountName, which);
        try
        {
            if (which == Document.Target)
            {
                if (externalId is not null)
                {
                    throw new UsageException("--external-id goes with --for trust");
                }

                return documents.TargetPolicy(target);
            }

            if (operatorRoleArn is null)
            {
                throw new UsageException("--for trust needs --operator-role-arn: the ARN of the operator's own role, the principal the trust policy lets assume the role of AwsAccount " + target.Name);
            }

            if (AccountIamPolicies.NeedsExternalId(target, externalId))
            {
                stderr.WriteLine($"session-audit: AwsAccount {target.Name} keeps its external id in Secret {target.Spec.ExternalIdSecretRef!.Name} (key {target.Spec.ExternalIdSecretRef.Key}), which this command cannot read: " +
                    $"replace {AccountIamPolicies.ExternalIdPlaceholder}... in the trust policy with it, or give it with --external-id");
            }

            return AccountIamPolicies.TrustPolicy(target, operatorRoleArn, externalId);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--account: {e.Message}");
        }
    }

    private static AwsAccount Choose(AccountIamPolicies documents, IReadOnlyList<AwsAccount> accounts, string? name, Document which)
    {
        var flag = which == Document.Target ? "--for target" : "--for trust";
        var withRole = documents.RoleAccounts;
        if (name is not null)
        {
            var named = accounts.FirstOrDefault(a => a.Name == name)
                ?? throw new UsageException($"--account: no AwsAccount {name} in the files given ({Names(accounts)})");
            return string.IsNullOrEmpty(named.Spec.RoleArn)
                ? throw new UsageException($"--account: AwsAccount {name} has no roleArn: its policies act in the operator's own account, with the operator role's policy (--for operator)")
                : named;
        }

        return withRole.Count switch
        {
            1 => withRole[0],
            0 => throw new UsageException($"{flag}: no AwsAccount with a roleArn in the files given: give the AwsAccount with -f"),
            _ => throw new UsageException($"{flag} needs --account: the files give several AwsAccounts with a roleArn ({Names(withRole)})"),
        };
    }

    private static string Names(IEnumerable<AwsAccount> accounts) =>
        accounts.Any() ? string.Join(", ", accounts.Select(a => a.Name)) : "none";

    /// <summary>The SessionLoggingPolicies and AwsAccounts of the -f files (a directory: its .yaml, .yml and .json files,
    /// not recursive, as kubectl -f reads them).</summary>
    internal static (IReadOnlyList<SessionLoggingPolicy> Policies, IReadOnlyList<AwsAccount> Accounts) Read(IEnumerable<FileInfo> files)
    {
        var policies = new List<SessionLoggingPolicy>();
        var accounts = new List<AwsAccount>();
        foreach (var given in files)
        {
            var manifests = given.Name != "-" && Directory.Exists(given.FullName)
                ? Directory.EnumerateFiles(given.FullName)
                    .Where(f => ManifestExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new FileInfo(f))
                    .ToList()
                : [given];
            foreach (var file in manifests)
            {
                if (file.Name != "-" && !file.Exists)
                {
                    throw new UsageException($"--file: {file.FullName} does not exist");
                }

                var text = OutputFile.ReadInput(file, "--file");
                try
                {
                    policies.AddRange(PolicyManifest.Parse(text));
                    accounts.AddRange(PolicyManifest.ParseAccounts(text));
                }
                catch (FormatException e)
                {
                    throw new UsageException($"--file: {file.Name}: {e.Message}");
                }
            }
        }

        if (policies.Count == 0 && accounts.Count == 0)
        {
            throw new UsageException($"--file: {string.Join(", ", files.Select(f => f.Name))} holds no SessionLoggingPolicy and no AwsAccount (apiVersion: {SessionLoggingPolicy.ApiVersion})");
        }

        return (policies, accounts);
    }
}
