using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>CloudWatch Logs log groups, their KMS association, log streams and events.</summary>
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
        t.Add("logs", "CreateLogStream", CreateLogStream);
        t.Add("logs", "DescribeLogStreams", DescribeLogStreams);
        t.Add("logs", "PutLogEvents", PutLogEvents);
        t.Add("logs", "GetLogEvents", GetLogEvents);
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

    private static LogStream FindStream(LogGroup g, string name) =>
        g.Streams.TryGetValue(name, out var s) ? s : throw new AwsException("ResourceNotFoundException", "The specified log stream does not exist.");

    private static JsonObject? CreateLogStream(CallContext ctx, JsonObject input)
    {
        var g = Find(ctx, input.Req("logGroupName"));
        string name = input.Req("logStreamName");
        if (g.Streams.ContainsKey(name)) throw new AwsException("ResourceAlreadyExistsException", "The specified log stream already exists");
        g.Streams[name] = new LogStream { Name = name, CreationTime = ctx.Now };
        return null;
    }

    private static JsonObject? DescribeLogStreams(CallContext ctx, JsonObject input)
    {
        var g = Find(ctx, input.Req("logGroupName"));
        string? prefix = input.Str("logStreamNamePrefix");
        string orderBy = input.Str("orderBy") ?? "LogStreamName";
        if (prefix is not null && orderBy == "LastEventTime")
        {
            throw new AwsException("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        IEnumerable<LogStream> streams = g.Streams.Values;
        if (prefix is not null) streams = streams.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (orderBy == "LastEventTime") streams = streams.OrderBy(s => s.Events.Count > 0 ? s.Events.Max(e => e.Timestamp) : 0).ThenBy(s => s.Name, StringComparer.Ordinal);
        if (input.Bool("descending") == true) streams = streams.Reverse();
        var (page, next) = Paging.Page(streams, input.Str("nextToken"), (int)(input.Long("limit") ?? 50), "InvalidParameterException");
        return new JsonObject
        {
            ["logStreams"] = Json.Array(page, s => new JsonObject
            {
                ["logStreamName"] = s.Name,
                ["creationTime"] = s.CreationTime.ToUnixTimeMilliseconds(),
                ["firstEventTimestamp"] = s.Events.Count > 0 ? s.Events.Min(e => e.Timestamp) : null,
                ["lastEventTimestamp"] = s.Events.Count > 0 ? s.Events.Max(e => e.Timestamp) : null,
                ["lastIngestionTime"] = s.Events.Count > 0 ? s.Events.Max(e => e.IngestionTime) : null,
                ["arn"] = $"arn:aws:logs:{ctx.Region}:{ctx.Account}:log-group:{g.Name}:log-stream:{s.Name}",
                ["storedBytes"] = 0,
            }),
            ["nextToken"] = next,
        };
    }

    private static JsonObject? PutLogEvents(CallContext ctx, JsonObject input)
    {
        var g = Find(ctx, input.Req("logGroupName"));
        var stream = FindStream(g, input.Req("logStreamName"));
        long now = ctx.Now.ToUnixTimeMilliseconds();
        foreach (var e in input.Objects("logEvents"))
        {
            stream.Events.Add(new LogEvent { Timestamp = e.Long("timestamp") ?? now, Message = e.Req("message"), IngestionTime = now });
        }

        stream.Events.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return new JsonObject { ["nextSequenceToken"] = stream.Events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(56, '0') };
    }

    private static JsonObject? GetLogEvents(CallContext ctx, JsonObject input)
    {
        var g = Find(ctx, input.Req("logGroupName"));
        var stream = FindStream(g, input.Req("logStreamName"));
        long? start = input.Long("startTime"), end = input.Long("endTime");
        var events = stream.Events.Where(e => (start is null || e.Timestamp >= start) && (end is null || e.Timestamp < end)).ToList();
        int limit = (int)(input.Long("limit") ?? 10000);

        // Tokens are "f/<index>" (events from there) and "b/<index>" (events before there).
        int from, to;
        string? token = input.Str("nextToken");
        if (token is not null && token.Length > 2 && int.TryParse(token[2..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int at) && token[0] is 'f' or 'b' && token[1] == '/')
        {
            at = Math.Clamp(at, 0, events.Count);
            (from, to) = token[0] == 'f' ? (at, Math.Min(events.Count, at + limit)) : (Math.Max(0, at - limit), at);
        }
        else if (token is not null)
        {
            throw new AwsException("InvalidParameterException", "The specified nextToken is not valid.");
        }
        else
        {
            (from, to) = input.Bool("startFromHead") == true ? (0, Math.Min(events.Count, limit)) : (Math.Max(0, events.Count - limit), events.Count);
        }

        return new JsonObject
        {
            ["events"] = Json.Array(events.GetRange(from, to - from), e => new JsonObject { ["timestamp"] = e.Timestamp, ["message"] = e.Message, ["ingestionTime"] = e.IngestionTime }),
            ["nextForwardToken"] = $"f/{to.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            ["nextBackwardToken"] = $"b/{from.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        };
    }
}
