using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Validation;

/// <summary>Checks a spec completely: the CRD schema's rules (patterns, ranges, CEL rules) and what a schema cannot say
/// (KMS key formats, ARN region and partition consistency, duplicates, durations). Never throws.</summary>
public static class PolicyValidator
{
    private static readonly TimeSpan MinDriftInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinReportInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);

    /// <summary>Maximum targets EventBridge allows on one rule.</summary>
    public const int MaxTargets = 5;

    /// <summary>All problems of <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(SessionLoggingPolicySpec? spec)
    {
        var errors = new List<ValidationError>();
        if (spec is null)
        {
            errors.Add(new("spec", "is required"));
            return errors;
        }

        SchemaRules.Check(spec, "spec", errors);
        CrossFieldRules(spec, errors);
        BeyondSchema(spec, errors);
        return errors;
    }

    // The CEL rules of the CRD, restated: a server without CEL (or a file given to `plan`) gets the same answer.
    private static void CrossFieldRules(SessionLoggingPolicySpec spec, List<ValidationError> errors)
    {
        if (spec.RoleArn is not null)
        {
            errors.Add(new("spec.roleArn", SessionLoggingPolicySpec.RemovedRoleArn));
        }

        if (spec.ExternalId is not null)
        {
            errors.Add(new("spec.externalId", SessionLoggingPolicySpec.RemovedExternalId));
        }

        if (spec.InstanceRoles is not null && spec.Kms?.Grantees is not null)
        {
            errors.Add(new("spec.instanceRoles", "set spec.instanceRoles only: spec.kms.grantees is its deprecated name"));
        }

        if (spec.S3 is { } s3 && s3.BucketName is null)
        {
            if (s3.EncryptionRequired == true)
            {
                errors.Add(new("spec.s3.encryptionRequired", "needs bucketName"));
            }

            if (s3.KeyPrefix is not null)
            {
                errors.Add(new("spec.s3.keyPrefix", "needs bucketName"));
            }
        }

        if (spec.CloudWatch is { } cw && cw.LogGroupName is null)
        {
            if (cw.EncryptionRequired == true)
            {
                errors.Add(new("spec.cloudWatch.encryptionRequired", "needs logGroupName"));
            }

            if (cw.Streaming == true)
            {
                errors.Add(new("spec.cloudWatch.streaming", "needs logGroupName"));
            }
        }

        if (spec.Session?.RunAs is { Enabled: false, DefaultUser: { Length: > 0 } })
        {
            errors.Add(new("spec.session.runAs.defaultUser", "needs enabled: true"));
        }

        if (spec.Alerts is { } alerts)
        {
            var total = (alerts.SnsTopicArns?.Count ?? 0) + (alerts.LambdaFunctionArns?.Count ?? 0)
                        + (alerts.CodePipelines?.Count ?? 0) + (alerts.RunCommands?.Count ?? 0);
            if (total > MaxTargets)
            {
                errors.Add(new("spec.alerts", $"has {total} targets; at most {MaxTargets} in total (snsTopicArns, lambdaFunctionArns, codePipelines, runCommands): EventBridge allows {MaxTargets} targets per rule"));
            }
        }
    }

    private static void BeyondSchema(SessionLoggingPolicySpec spec, List<ValidationError> errors)
    {
        var regionOk = spec.Region is not null && SchemaRules.Matches(Patterns.Region, spec.Region);
        var partition = regionOk ? Arn.PartitionOf(spec.Region!) : null;

        CheckInterval("spec.driftCheckInterval", spec.DriftCheckInterval, MinDriftInterval, errors);
        if (spec.Report is { } report)
        {
            CheckInterval("spec.report.interval", report.Interval, MinReportInterval, errors);
        }

        if (spec.S3?.BucketName is { } bucket)
        {
            CheckBucket("spec.s3.bucketName", bucket, errors);
        }

        if (spec.Report?.S3?.BucketName is { Length: > 0 } reportBucket)
        {
            CheckBucket("spec.report.s3.bucketName", reportBucket, errors);
        }

        CheckDuplicates("spec.instanceRoles", spec.InstanceRoles, StringComparer.OrdinalIgnoreCase, errors);
        CheckArns("spec.instanceRoles", spec.InstanceRoles, partition, null, errors);

        if (spec.Kms is { } kms)
        {
            if (!string.IsNullOrEmpty(kms.KeyId))
            {
                if (!SchemaRules.Matches(Patterns.KmsKeyId, kms.KeyId))
                {
                    errors.Add(new("spec.kms.keyId", $"\"{SchemaRules.Shorten(kms.KeyId)}\" is not a KMS key reference: use a key id (1234abcd-12ab-34cd-56ef-1234567890ab), a multi-Region key id (mrk-...), an alias name (alias/name), a key ARN or an alias ARN"));
                }
                else if (kms.KeyId.StartsWith("arn:", StringComparison.Ordinal))
                {
                    CheckArn("spec.kms.keyId", kms.KeyId, partition, regionOk ? spec.Region : null, errors);
                }
            }

            CheckDuplicates("spec.kms.grantees", kms.Grantees, StringComparer.OrdinalIgnoreCase, errors);
            if (kms.Grantees is { } grantees)
            {
                for (var i = 0; i < grantees.Count; i++)
                {
                    if (grantees[i] is { } g)
                    {
                        CheckArn($"spec.kms.grantees[{i}]", g, partition, null, errors);
                    }
                }
            }
        }

        if (spec.Alerts is { } alerts)
        {
            var region = regionOk ? spec.Region : null;
            CheckDuplicates("spec.alerts.events", alerts.Events, StringComparer.Ordinal, errors);
            if (alerts.Events is { } events)
            {
                for (var i = 0; i < events.Count; i++)
                {
                    if (events[i] is { } e && !SessionEventNames.All.Contains(e) && SessionEventNames.All.Contains(e, StringComparer.OrdinalIgnoreCase))
                    {
                        errors.Add(new($"spec.alerts.events[{i}]", $"\"{e}\" must be spelled {SessionEventNames.All.First(n => n.Equals(e, StringComparison.OrdinalIgnoreCase))}"));
                    }
                }
            }

            CheckArns("spec.alerts.snsTopicArns", alerts.SnsTopicArns, partition, region, errors);
            CheckArns("spec.alerts.lambdaFunctionArns", alerts.LambdaFunctionArns, partition, region, errors);
            if (alerts.CodePipelines is { } pipelines)
            {
                CheckDuplicates("spec.alerts.codePipelines", pipelines.Select(p => p?.Arn).ToList(), StringComparer.Ordinal, errors);
                for (var i = 0; i < pipelines.Count; i++)
                {
                    if (pipelines[i] is { } cp)
                    {
                        CheckArn($"spec.alerts.codePipelines[{i}].arn", cp.Arn, partition, region, errors);
                        CheckArn($"spec.alerts.codePipelines[{i}].roleArn", cp.RoleArn, partition, null, errors);
                    }
                }
            }

            if (alerts.RunCommands is { } runs)
            {
                for (var i = 0; i < runs.Count; i++)
                {
                    if (runs[i] is not { } rc)
                    {
                        continue;
                    }

                    if (rc.DocumentName?.StartsWith("arn:", StringComparison.Ordinal) == true)
                    {
                        CheckArn($"spec.alerts.runCommands[{i}].documentName", rc.DocumentName, partition, region, errors);
                    }

                    CheckArn($"spec.alerts.runCommands[{i}].roleArn", rc.RoleArn, partition, null, errors);
                    CheckParameters($"spec.alerts.runCommands[{i}].parameters", rc.Parameters, errors);
                    if (rc.Targets is { } targets)
                    {
                        for (var t = 0; t < targets.Count; t++)
                        {
                            if (targets[t] is { Key: "InstanceIds", Values: { } ids })
                            {
                                for (var v = 0; v < ids.Count; v++)
                                {
                                    if (ids[v] is { } id && !SchemaRules.Matches("^(i|mi)-[0-9a-f]{8,17}$", id))
                                    {
                                        errors.Add(new($"spec.alerts.runCommands[{i}].targets[{t}].values[{v}]", $"\"{SchemaRules.Shorten(id)}\" is not an instance id (i-0123456789abcdef0 or mi-...)"));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void CheckInterval(string path, string? text, TimeSpan min, List<ValidationError> errors)
    {
        if (text is null)
        {
            return;
        }

        if (!Durations.TryParse(text, out var d))
        {
            errors.Add(new(path, $"\"{SchemaRules.Shorten(text)}\" is not a duration: write hours, minutes and seconds such as 30s, 5m, 1h or 1h30m"));
        }
        else if (d < min || d > MaxInterval)
        {
            errors.Add(new(path, $"{text} is outside {Durations.Format(min)}..{Durations.Format(MaxInterval)}"));
        }
    }

    private static void CheckBucket(string path, string bucket, List<ValidationError> errors)
    {
        if (bucket.Contains("..", StringComparison.Ordinal) || bucket.Contains(".-", StringComparison.Ordinal) || bucket.Contains("-.", StringComparison.Ordinal))
        {
            errors.Add(new(path, $"\"{bucket}\" has adjacent dots or a dot next to a hyphen, which S3 does not allow"));
        }

        if (SchemaRules.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", bucket))
        {
            errors.Add(new(path, $"\"{bucket}\" looks like an IP address, which S3 does not allow"));
        }

        if (bucket.StartsWith("xn--", StringComparison.Ordinal) || bucket.StartsWith("sthree-", StringComparison.Ordinal)
            || bucket.EndsWith("-s3alias", StringComparison.Ordinal) || bucket.EndsWith("--ol-s3", StringComparison.Ordinal))
        {
            errors.Add(new(path, $"\"{bucket}\" uses a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3)"));
        }
    }

    private static void CheckArns(string path, IReadOnlyList<string>? arns, string? partition, string? region, List<ValidationError> errors)
    {
        if (arns is null)
        {
            return;
        }

        for (var i = 0; i < arns.Count; i++)
        {
            if (arns[i] is { } arn)
            {
                CheckArn($"{path}[{i}]", arn, partition, region, errors);
            }
        }
    }

    // ARNs must live in the policy's partition and, for regional resources an EventBridge rule or Session Manager uses, its region.
    private static void CheckArn(string path, string? text, string? partition, string? region, List<ValidationError> errors)
    {
        if (Arn.TryParse(text) is not { } arn)
        {
            return;
        }

        if (partition is not null && arn.Partition != partition)
        {
            errors.Add(new(path, $"is in partition {arn.Partition}, but the policy's region is in partition {partition}"));
        }

        if (region is not null && arn.Region.Length > 0 && arn.Region != region)
        {
            errors.Add(new(path, $"is in region {arn.Region}; it must be in the policy's region {region}"));
        }
    }

    private static void CheckDuplicates(string path, IReadOnlyList<string?>? values, StringComparer comparer, List<ValidationError> errors)
    {
        if (values is null)
        {
            return;
        }

        var seen = new HashSet<string>(comparer);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v && !seen.Add(v))
            {
                errors.Add(new($"{path}[{i}]", $"duplicate \"{SchemaRules.Shorten(v)}\""));
            }
        }
    }

    /// <summary>Run Command parameters: names of [A-Za-z0-9_], bounded counts and lengths, and an Input JSON EventBridge accepts.</summary>
    private static void CheckParameters(string path, IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters, List<ValidationError> errors)
    {
        if (parameters is null)
        {
            return;
        }

        if (parameters.Count > RunCommandTargetSpec.MaxParameters)
        {
            errors.Add(new(path, $"has {parameters.Count} parameters; at most {RunCommandTargetSpec.MaxParameters}"));
        }

        foreach (var (name, values) in parameters)
        {
            if (!SchemaRules.Matches("^[A-Za-z0-9_]{1,128}$", name))
            {
                errors.Add(new($"{path}.{SchemaRules.Shorten(name)}", "a parameter name is 1 to 128 of A-Z, a-z, 0-9 and _"));
            }

            if (values is null || values.Count == 0 || values.Count > RunCommandTargetSpec.MaxParameterValues)
            {
                errors.Add(new($"{path}.{SchemaRules.Shorten(name)}", $"needs 1 to {RunCommandTargetSpec.MaxParameterValues} values"));
                continue;
            }

            for (var v = 0; v < values.Count; v++)
            {
                if (values[v] is null || values[v].Length > RunCommandTargetSpec.MaxParameterValueLength)
                {
                    errors.Add(new($"{path}.{SchemaRules.Shorten(name)}[{v}]", $"must be a string of at most {RunCommandTargetSpec.MaxParameterValueLength} characters"));
                }
            }
        }

        if (Planning.AlertRuleDesign.Input(parameters) is { Length: > RunCommandTargetSpec.MaxInputLength } input)
        {
            errors.Add(new(path, $"makes an Input of {input.Length} characters of JSON; EventBridge takes at most {RunCommandTargetSpec.MaxInputLength}"));
        }
    }
}
