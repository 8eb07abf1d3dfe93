using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>CloudWatch Logs log groups and their KMS association.</summary>
internal static class LogsService
{
    public static void Register(HandlerTable t)
    {
        t.Add("logs", "CreateLogGroup", CreateLogGroup);
        t.Add("logs", "AssociateKmsKey", AssociateKmsKey);
        t.Add("logs", "DisassociateKmsKey", DisassociateKmsKey);
        t.Add("logs", "DescribeLogGroups", DescribeLogGroups);
        t.Add("logs", "DeleteLogGroup", DeleteLogGroup);
        t.Add("logs", "PutRetentionPolicy", PutRetentionPolicy);
    }

    private static JsonObject? CreateLogGroup(CallContext ctx, JsonObject input)
    {
        string name = input.Req("logGroupName");
        if (ctx.State.LogGroups.ContainsKey(name)) throw new AwsException("ResourceAlreadyExistsException", "The specified log group already exists");
        string? kms = input.Str("kmsKeyId");
        if (kms is not null) CheckKey(ctx, kms);
        ctx.State.LogGroups[name] = new LogGroup { Name = name, KmsKeyId = kms, CreationTime = ctx.Now };
        return null;
    }

    /// <summary>CloudWatch Logs takes key ARNs only, and the key must be usable.</summary>
    private static void CheckKey(CallContext ctx, string kmsKeyId)
    {
        if (!kmsKeyId.StartsWith("arn:aws:kms:", StringComparison.Ordinal))
        {
            throw new AwsException("InvalidParameterException", $"Specified KMS key ARN is invalid: {kmsKeyId}. Use the full key ARN.");
        }

        KmsKey key;
        try { key = KmsService.Resolve(ctx, kmsKeyId); }
        catch (AwsException) { throw new AwsException("InvalidParameterException", $"Specified KMS key {kmsKeyId} does not exist or is not allowed to be used."); }
        if (key.KeyState != "Enabled") throw new AwsException("InvalidParameterException", $"Specified KMS key {kmsKeyId} is not enabled.");
    }

    private static LogGroup Find(CallContext ctx, string name) =>
        ctx.State.LogGroups.TryGetValue(name, out var g) ? g : throw new AwsException("ResourceNotFoundException", "The specified log group does not exist.");

    private static JsonObject? AssociateKmsKey(CallContext ctx, JsonObject input)
    {
        var g = Find(ctx, input.Req("logGroupName"));
        string kms = input.Req("kmsKeyId");
        CheckKey(ctx, kms);
        g.KmsKeyId = kms;
        return null;
    }

    private static JsonObject? DisassociateKmsKey(CallContext ctx, JsonObject input)
    {
        Find(ctx, input.Req("logGroupName")).KmsKeyId = null;
        return null;
    }

    private static JsonObject? PutRetentionPolicy(CallContext ctx, JsonObject input)
    {
        Find(ctx, input.Req("logGroupName")).RetentionInDays = (int?)input.Long("retentionInDays");
        return null;
    }

    private static JsonObject? DescribeLogGroups(CallContext ctx, JsonObject input)
    {
        string? prefix = input.Str("logGroupNamePrefix");
        string? pattern = input.Str("logGroupNamePattern");
        if (prefix is not null && pattern is not null)
        {
            throw new AwsException("InvalidParameterException", "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }

        IEnumerable<LogGroup> groups = ctx.State.LogGroups.Values;
        if (prefix is not null) groups = groups.SkipWhile(g => string.CompareOrdinal(g.Name, prefix) < 0).TakeWhile(g => g.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (pattern is not null) groups = groups.Where(g => g.Name.Contains(pattern, StringComparison.OrdinalIgnoreCase));
        var (page, next) = Paging.Page(groups, input.Str("nextToken"), (int)(input.Long("limit") ?? 50), "InvalidParameterException");
        return new JsonObject
        {
            ["logGroups"] = Json.Array(page, g => new JsonObject
            {
                ["logGroupName"] = g.Name,
                ["creationTime"] = g.CreationTime.ToUnixTimeMilliseconds(),
                ["retentionInDays"] = g.RetentionInDays,
                ["metricFilterCount"] = 0,
                ["arn"] = $"arn:aws:logs:{ctx.Region}:{ctx.Account}:log-group:{g.Name}:*",
                ["storedBytes"] = 0,
                ["kmsKeyId"] = g.KmsKeyId,
            }),
            ["nextToken"] = next,
        };
    }

    private static JsonObject? DeleteLogGroup(CallContext ctx, JsonObject input)
    {
        string name = input.Req("logGroupName");
        if (!ctx.State.LogGroups.Remove(name)) throw new AwsException("ResourceNotFoundException", "The specified log group does not exist.");
        return null;
    }
}
