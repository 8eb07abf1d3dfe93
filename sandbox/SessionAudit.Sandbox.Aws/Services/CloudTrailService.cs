using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>CloudTrail trails; a logging trail is what lets API calls become EventBridge events.</summary>
internal static class CloudTrailService
{
    public static void Register(HandlerTable t)
    {
        t.Add("cloudtrail", "CreateTrail", CreateTrail);
        t.Add("cloudtrail", "DeleteTrail", DeleteTrail);
        t.Add("cloudtrail", "StartLogging", (c, i) => SetLogging(c, i, true));
        t.Add("cloudtrail", "StopLogging", (c, i) => SetLogging(c, i, false));
        t.Add("cloudtrail", "DescribeTrails", DescribeTrails);
        t.Add("cloudtrail", "GetTrailStatus", GetTrailStatus);
        t.Add("cloudtrail", "GetEventSelectors", GetEventSelectors);
    }

    private static JsonObject? CreateTrail(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Name");
        if (name.Length < 3 || name.Length > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') || !char.IsAsciiLetterOrDigit(name[0]))
        {
            throw new AwsException("InvalidTrailNameException", "Trail name must start with a letter or number, contain only ASCII letters, numbers, periods, underscores and dashes, and be 3 to 128 characters long.");
        }

        if (ctx.State.Trails.ContainsKey(name)) throw new AwsException("TrailAlreadyExistsException", $"Trail {name} already exists for customer: {ctx.Account}");
        string bucket = input.Req("S3BucketName");
        if (!ctx.World.Buckets.ContainsKey(bucket)) throw new AwsException("S3BucketDoesNotExistException", $"S3 bucket {bucket} does not exist.");
        var trail = new Trail
        {
            Name = name,
            S3BucketName = bucket,
            S3KeyPrefix = input.Str("S3KeyPrefix"),
            SnsTopicName = input.Str("SnsTopicName"),
            IncludeGlobalServiceEvents = input.Bool("IncludeGlobalServiceEvents") ?? true,
            IsMultiRegionTrail = input.Bool("IsMultiRegionTrail") ?? false,
            LogFileValidationEnabled = input.Bool("EnableLogFileValidation") ?? false,
            CloudWatchLogsLogGroupArn = input.Str("CloudWatchLogsLogGroupArn"),
            CloudWatchLogsRoleArn = input.Str("CloudWatchLogsRoleArn"),
            KmsKeyId = input.Str("KmsKeyId"),
            HomeRegion = ctx.Region,
            TrailArn = ctx.Arn("cloudtrail", "trail/" + name),
        };
        ctx.State.Trails[name] = trail;
        var o = TrailJson(trail);
        o.Remove("HomeRegion");
        o.Remove("HasCustomEventSelectors");
        o.Remove("HasInsightSelectors");
        return o;
    }

    /// <summary>Finds a trail by name or ARN: home-region trails, or multi-region trails from another region.</summary>
    private static Trail Find(CallContext ctx, string nameOrArn, bool homeOnly)
    {
        foreach (var t in Visible(ctx))
        {
            if (t.Name == nameOrArn || t.TrailArn == nameOrArn)
            {
                if (homeOnly && t.HomeRegion != ctx.Region)
                {
                    throw new AwsException("InvalidHomeRegionException", $"This operation must be called from the trail's home region, {t.HomeRegion}.");
                }

                return t;
            }
        }

        throw new AwsException("TrailNotFoundException", $"Unknown trail: {nameOrArn} for the user: {ctx.Account}");
    }

    private static IEnumerable<Trail> Visible(CallContext ctx)
    {
        var account = ctx.World.Accounts.GetValueOrDefault(ctx.Account);
        if (account is null) yield break;
        foreach (var (region, state) in account.Regions)
        {
            foreach (var t in state.Trails.Values)
            {
                if (region == ctx.Region || t.IsMultiRegionTrail) yield return t;
            }
        }
    }

    private static JsonObject? DeleteTrail(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("Name"), homeOnly: true);
        ctx.State.Trails.Remove(t.Name);
        return null;
    }

    private static JsonObject? SetLogging(CallContext ctx, JsonObject input, bool on)
    {
        var t = Find(ctx, input.Req("Name"), homeOnly: true);
        t.IsLogging = on;
        if (on) t.StartLoggingTime = ctx.Now;
        else t.StopLoggingTime = ctx.Now;
        return null;
    }

    private static JsonObject TrailJson(Trail t) => new()
    {
        ["Name"] = t.Name,
        ["S3BucketName"] = t.S3BucketName,
        ["S3KeyPrefix"] = t.S3KeyPrefix,
        ["SnsTopicName"] = t.SnsTopicName,
        ["IncludeGlobalServiceEvents"] = t.IncludeGlobalServiceEvents,
        ["IsMultiRegionTrail"] = t.IsMultiRegionTrail,
        ["HomeRegion"] = t.HomeRegion,
        ["TrailARN"] = t.TrailArn,
        ["LogFileValidationEnabled"] = t.LogFileValidationEnabled,
        ["CloudWatchLogsLogGroupArn"] = t.CloudWatchLogsLogGroupArn,
        ["CloudWatchLogsRoleArn"] = t.CloudWatchLogsRoleArn,
        ["KmsKeyId"] = t.KmsKeyId,
        ["HasCustomEventSelectors"] = false,
        ["HasInsightSelectors"] = false,
        ["IsOrganizationTrail"] = false,
    };

    private static JsonObject? DescribeTrails(CallContext ctx, JsonObject input)
    {
        var names = input.Strings("trailNameList").ToHashSet();
        bool shadows = input.Bool("includeShadowTrails") ?? true;
        var trails = Visible(ctx).Where(t => (shadows || t.HomeRegion == ctx.Region) && (names.Count == 0 || names.Contains(t.Name) || names.Contains(t.TrailArn)));
        return new JsonObject { ["trailList"] = Json.Array(trails, t => TrailJson(t)) };
    }

    private static JsonObject? GetTrailStatus(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("Name"), homeOnly: false);
        return new JsonObject
        {
            ["IsLogging"] = t.IsLogging,
            ["StartLoggingTime"] = Json.Time(t.StartLoggingTime),
            ["StopLoggingTime"] = Json.Time(t.StopLoggingTime),
            ["LatestDeliveryTime"] = t.IsLogging ? Json.Time(ctx.Now) : null,
            ["TimeLoggingStarted"] = t.StartLoggingTime is { } s ? Timestamps.Iso(s) : null,
            ["TimeLoggingStopped"] = t.StopLoggingTime is { } p ? Timestamps.Iso(p) : null,
        };
    }

    private static JsonObject? GetEventSelectors(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("TrailName"), homeOnly: false);
        return new JsonObject
        {
            ["TrailARN"] = t.TrailArn,
            ["EventSelectors"] = new JsonArray(new JsonObject
            {
                ["ReadWriteType"] = "All",
                ["IncludeManagementEvents"] = true,
                ["DataResources"] = new JsonArray(),
                ["ExcludeManagementEventSources"] = new JsonArray(),
            }),
        };
    }
}
