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
        t.Add("cloudtrail", "PutEventSelectors", PutEventSelectors);
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
            IsOrganizationTrail = input.Bool("IsOrganizationTrail") ?? false,
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

    /// <summary>Finds one of the caller's trails by name or ARN: home-region trails, or multi-region trails from another
    /// region. Another account's ARN (an organization trail seen from a member account) is refused as AWS refuses it:
    /// CloudTrailARNInvalidException "AccountID in ARN is wrong" (turbot/steampipe-plugin-aws#577).</summary>
    private static Trail Find(CallContext ctx, string nameOrArn, bool homeOnly)
    {
        if (nameOrArn.StartsWith("arn:", StringComparison.Ordinal) && nameOrArn.Split(':') is { Length: > 4 } parts && parts[4] != ctx.Account)
        {
            throw new AwsException("CloudTrailARNInvalidException", $"AccountID in ARN is wrong, you can only access resources with AccountID {ctx.Account}.");
        }

        foreach (var t in Visible(ctx))
        {
            if (OwnerOf(t) == ctx.Account && (t.Name == nameOrArn || t.TrailArn == nameOrArn))
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

    /// <summary>The trails that cover an account and region: its own (home region or multi-region), and the organization
    /// trails of any other account (the sandbox's accounts form one organization).</summary>
    private static IEnumerable<Trail> Covering(World world, string account, string region)
    {
        foreach (var (id, a) in world.Accounts)
        {
            foreach (var (home, state) in a.Regions)
            {
                foreach (var t in state.Trails.Values)
                {
                    if ((id == account || t.IsOrganizationTrail) && (home == region || t.IsMultiRegionTrail)) yield return t;
                }
            }
        }
    }

    private static IEnumerable<Trail> Visible(CallContext ctx) => Covering(ctx.World, ctx.Account, ctx.Region);

    private static string OwnerOf(Trail t) => t.TrailArn.Split(':')[4];

    /// <summary>True when a logging trail covering the account and region records this management event by its selectors:
    /// what decides whether an API call becomes an "AWS API Call via CloudTrail" event.</summary>
    public static bool Records(World world, string account, string region, string eventSource, string eventName, bool readOnly) =>
        Covering(world, account, region).Any(t => t.IsLogging && SelectsManagementEvent(t, eventSource, eventName, readOnly));

    /// <summary>CloudTrail's selector rules for one management event (PutEventSelectors in the botocore cloudtrail model):
    /// the event is logged when it matches any selector; an advanced selector matches when all its field selectors do.</summary>
    internal static bool SelectsManagementEvent(Trail t, string eventSource, string eventName, bool readOnly)
    {
        if (t.AdvancedEventSelectors is { } advanced)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["eventCategory"] = "Management",
                ["readOnly"] = readOnly ? "true" : "false",
                ["eventSource"] = eventSource,
                ["eventName"] = eventName,
            };
            return advanced.OfType<JsonObject>().Any(sel => sel.Objects("FieldSelectors").All(f => FieldMatches(f, fields.GetValueOrDefault(f.Str("Field") ?? ""))));
        }

        var basic = t.EventSelectors?.OfType<JsonObject>() ?? new[] { DefaultSelector() };
        return basic.Any(sel =>
            (sel.Bool("IncludeManagementEvents") ?? true)
            && (sel.Str("ReadWriteType") ?? "All") is var rw && (rw == "All" || rw == (readOnly ? "ReadOnly" : "WriteOnly"))
            && !sel.Strings("ExcludeManagementEventSources").Contains(eventSource));
    }

    private static bool FieldMatches(JsonObject f, string? value)
    {
        if (value is null) return false;
        bool ok = true;
        if (f.ContainsKey("Equals")) ok &= f.Strings("Equals").Contains(value);
        if (f.ContainsKey("StartsWith")) ok &= f.Strings("StartsWith").Any(p => value.StartsWith(p, StringComparison.Ordinal));
        if (f.ContainsKey("EndsWith")) ok &= f.Strings("EndsWith").Any(p => value.EndsWith(p, StringComparison.Ordinal));
        if (f.ContainsKey("NotEquals")) ok &= !f.Strings("NotEquals").Contains(value);
        if (f.ContainsKey("NotStartsWith")) ok &= !f.Strings("NotStartsWith").Any(p => value.StartsWith(p, StringComparison.Ordinal));
        if (f.ContainsKey("NotEndsWith")) ok &= !f.Strings("NotEndsWith").Any(p => value.EndsWith(p, StringComparison.Ordinal));
        return ok;
    }

    private static JsonObject DefaultSelector() => new()
    {
        ["ReadWriteType"] = "All",
        ["IncludeManagementEvents"] = true,
        ["DataResources"] = new JsonArray(),
        ["ExcludeManagementEventSources"] = new JsonArray(),
    };

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
        ["HasCustomEventSelectors"] = t.EventSelectors is not null || t.AdvancedEventSelectors is not null,
        ["HasInsightSelectors"] = false,
        ["IsOrganizationTrail"] = t.IsOrganizationTrail,
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
        return t.AdvancedEventSelectors is { } advanced
            ? new JsonObject { ["TrailARN"] = t.TrailArn, ["AdvancedEventSelectors"] = advanced.DeepClone() }
            : new JsonObject { ["TrailARN"] = t.TrailArn, ["EventSelectors"] = t.EventSelectors?.DeepClone() ?? new JsonArray(DefaultSelector()) };
    }

    /// <summary>PutEventSelectors: from the home region only; basic or advanced selectors, never both; the new set replaces
    /// the old one. Refusals (InvalidEventSelectorsException) follow the botocore cloudtrail model's documentation of
    /// InvalidEventSelectorsException, EventSelector.ExcludeManagementEventSources and AdvancedFieldSelector.Field.</summary>
    private static JsonObject? PutEventSelectors(CallContext ctx, JsonObject input)
    {
        var t = Find(ctx, input.Req("TrailName"), homeOnly: true);
        var basic = input["EventSelectors"] as JsonArray;
        var advanced = input["AdvancedEventSelectors"] as JsonArray;
        if ((basic is null) == (advanced is null))
        {
            throw Invalid("Specify either EventSelectors or AdvancedEventSelectors, but not both.");
        }

        if (basic is not null)
        {
            if (basic.Count is < 1 or > 5) throw Invalid("A trail can have 1 to 5 event selectors.");
            foreach (var sel in basic.OfType<JsonObject>())
            {
                foreach (var source in sel.Strings("ExcludeManagementEventSources"))
                {
                    if (source is not ("kms.amazonaws.com" or "rdsdata.amazonaws.com"))
                    {
                        throw Invalid($"ExcludeManagementEventSources can contain only kms.amazonaws.com or rdsdata.amazonaws.com, not {source}.");
                    }
                }
            }

            t.EventSelectors = (JsonArray)basic.DeepClone();
            t.AdvancedEventSelectors = null;
            return new JsonObject { ["TrailARN"] = t.TrailArn, ["EventSelectors"] = basic.DeepClone() };
        }

        foreach (var sel in advanced!.OfType<JsonObject>())
        {
            var fields = sel.Objects("FieldSelectors").ToList();
            var category = fields.FirstOrDefault(f => f.Str("Field") == "eventCategory");
            if (category is null || category.Strings("Equals").ToList() is not [("Management" or "Data")])
            {
                throw Invalid("Each advanced event selector needs the field eventCategory with Equals Management or Data.");
            }

            foreach (var f in fields)
            {
                switch (f.Str("Field"))
                {
                    case "readOnly" when f.Strings("Equals").Any(v => v is not ("true" or "false")) || f.Count > 2:
                        throw Invalid("The field readOnly can only use Equals with true or false.");
                    case "eventSource" when category.Strings("Equals").First() == "Management"
                                           && (f.Count > 2 || f.Strings("NotEquals").Any(v => v is not ("kms.amazonaws.com" or "rdsdata.amazonaws.com")) || !f.ContainsKey("NotEquals")):
                        throw Invalid("For management events, the field eventSource can only use NotEquals with kms.amazonaws.com or rdsdata.amazonaws.com.");
                }
            }
        }

        t.AdvancedEventSelectors = (JsonArray)advanced!.DeepClone();
        t.EventSelectors = null;
        return new JsonObject { ["TrailARN"] = t.TrailArn, ["AdvancedEventSelectors"] = advanced.DeepClone() };
    }

    private static AwsException Invalid(string message) => new("InvalidEventSelectorsException", message);
}
