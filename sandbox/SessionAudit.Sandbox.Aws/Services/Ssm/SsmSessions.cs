using System.Globalization;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Events;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Session Manager sessions, managed nodes and Run Command; session calls feed the CloudTrail event flow.</summary>
internal static partial class SsmService
{
    private static readonly string[] ActiveStatuses = ["Connected", "Connecting", "Disconnected", "Terminating"];

    private static JsonObject? StartSession(CallContext ctx, JsonObject input)
    {
        string target = input.Req("Target");
        string? documentName = input.Str("DocumentName");
        if (documentName is not null)
        {
            var (doc, _) = Find(ctx, documentName);
            if (doc.DocumentType != "Session") throw new AwsException("InvalidDocument", $"Document {documentName} is not a Session document.");
        }

        if (!ctx.State.Instances.TryGetValue(target, out var instance) || instance.PingStatus != "Online")
        {
            throw new AwsException("TargetNotConnected", $"{target} is not connected.");
        }

        var session = new SsmSession
        {
            SessionId = $"{ctx.CallerName}-{ctx.Core.Hex(17)}",
            Target = target,
            Status = "Connected",
            StartDate = ctx.Now,
            DocumentName = documentName ?? "SSM-SessionManagerRunShell",
            Owner = ctx.CallerArn,
            Reason = input.Str("Reason"),
            MaxSessionDuration = MaxDuration(ctx),
        };
        ctx.State.Sessions[session.SessionId] = session;
        SessionLogs.Started(ctx, session);
        SessionExpiry.Schedule(ctx.World, session, ctx.Now);
        var output = Connection(ctx, session.SessionId);
        EventFlow.ApiCall(ctx, "ssm", "StartSession", input, output);
        return output;
    }

    private static JsonObject? ResumeSession(CallContext ctx, JsonObject input)
    {
        var session = FindSession(ctx, input.Req("SessionId"));
        if (session.Status is "Terminated" or "Failed") throw new AwsException("DoesNotExistException", $"Session {session.SessionId} has ended.");
        session.Status = "Connected";
        SessionExpiry.Schedule(ctx.World, session, ctx.Now);
        var output = Connection(ctx, session.SessionId);
        EventFlow.ApiCall(ctx, "ssm", "ResumeSession", input, output);
        return output;
    }

    private static JsonObject? TerminateSession(CallContext ctx, JsonObject input)
    {
        var session = FindSession(ctx, input.Req("SessionId"));
        if (session.Status is not ("Terminated" or "Failed"))
        {
            session.Status = "Terminated";
            session.EndDate = ctx.Now;
            SessionLogs.Ended(ctx, session);
        }

        var output = new JsonObject { ["SessionId"] = session.SessionId };
        EventFlow.ApiCall(ctx, "ssm", "TerminateSession", input, output);
        return output;
    }

    private static SsmSession FindSession(CallContext ctx, string id) =>
        ctx.State.Sessions.TryGetValue(id, out var s) ? s : throw new AwsException("DoesNotExistException", $"Session {id} does not exist.");

    private static JsonObject Connection(CallContext ctx, string sessionId) => new()
    {
        ["SessionId"] = sessionId,
        ["TokenValue"] = Convert.ToBase64String(Convert.FromHexString(ctx.Core.Hex(64))),
        ["StreamUrl"] = $"wss://ssmmessages.{ctx.Region}.amazonaws.com/v1/data-channel/{sessionId}?role=publish_subscribe&cell-number=AAEAAQ",
    };

    private static string? MaxDuration(CallContext ctx) =>
        ctx.State.Documents.TryGetValue("SSM-SessionManagerRunShell", out var prefs)
        && ParseContentOrNull(prefs) is JsonObject o && o["inputs"]?["maxSessionDuration"] is JsonValue v
            ? v.ToString() : null;

    private static JsonNode? ParseContentOrNull(SsmDocument doc)
    {
        var v = doc.Versions.FirstOrDefault(x => x.Version == doc.DefaultVersion) ?? doc.Latest;
        try { return ParseContent(v.Content, v.DocumentFormat ?? doc.DocumentFormat, doc.DocumentType); }
        catch (AwsException) { return null; }
    }

    private static JsonObject? DescribeSessions(CallContext ctx, JsonObject input)
    {
        bool active = input.Req("State") == "Active";
        var since = ctx.Now.AddDays(-30);
        IEnumerable<SsmSession> sessions = ctx.State.Sessions.Values.Where(s => active ? ActiveStatuses.Contains(s.Status) : !ActiveStatuses.Contains(s.Status) && s.StartDate >= since);
        foreach (var f in input.Objects("Filters"))
        {
            string key = f.Req("key"), value = f.Req("value");
            sessions = key switch
            {
                "InvokedAfter" => sessions.Where(s => s.StartDate >= FilterDate(value)),
                "InvokedBefore" => sessions.Where(s => s.StartDate <= FilterDate(value)),
                "Target" => sessions.Where(s => s.Target == value),
                "Owner" => sessions.Where(s => s.Owner == value),
                "Status" => sessions.Where(s => s.Status == value),
                "SessionId" => sessions.Where(s => s.SessionId == value),
                "AccessType" => sessions,
                _ => throw new AwsException("InvalidFilterKey", $"The filter key {key} is not valid."),
            };
        }

        var ordered = sessions.OrderByDescending(s => s.StartDate).ThenBy(s => s.SessionId, StringComparer.Ordinal);
        var (page, next) = Paging.Page(ordered, input.Str("NextToken"), (int)(input.Long("MaxResults") ?? 20), "InvalidNextToken");
        return new JsonObject
        {
            ["Sessions"] = Json.Array(page, s => new JsonObject
            {
                ["SessionId"] = s.SessionId,
                ["Target"] = s.Target,
                ["Status"] = s.Status,
                ["StartDate"] = Json.Time(s.StartDate),
                ["EndDate"] = Json.Time(s.EndDate),
                ["DocumentName"] = s.DocumentName,
                ["Owner"] = s.Owner,
                ["Reason"] = s.Reason,
                ["Details"] = "",
                ["OutputUrl"] = new JsonObject(),
                ["MaxSessionDuration"] = s.MaxSessionDuration,
            }),
            ["NextToken"] = next,
        };
    }

    private static DateTimeOffset FilterDate(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
        : throw new AwsException("ValidationException", $"Filter value {value} is not a valid date; use yyyy-MM-ddTHH:mm:ssZ.");

    private static JsonObject? DescribeInstanceInformation(CallContext ctx, JsonObject input)
    {
        IEnumerable<ManagedInstance> items = ctx.State.Instances.Values;
        var filters = input.Objects("InstanceInformationFilterList").Select(f => (Key: f.Req("key"), Values: f.Strings("valueSet").ToHashSet()))
            .Concat(input.Objects("Filters").Select(f => (Key: f.Req("Key"), Values: f.Strings("Values").ToHashSet())));
        foreach (var (key, values) in filters)
        {
            items = key switch
            {
                "InstanceIds" => items.Where(i => values.Contains(i.InstanceId)),
                "PingStatus" => items.Where(i => values.Contains(i.PingStatus)),
                "PlatformTypes" or "PlatformType" => items.Where(i => values.Contains(i.PlatformType)),
                "AgentVersion" => items.Where(i => values.Contains(i.AgentVersion)),
                "ResourceType" => items.Where(i => values.Contains(i.ResourceType)),
                _ when key.StartsWith("tag", StringComparison.Ordinal) => items,
                _ => throw new AwsException("InvalidInstanceInformationFilterValue", $"The filter key {key} is not supported."),
            };
        }

        var (page, next) = Paging.Page(items, input.Str("NextToken"), (int)(input.Long("MaxResults") ?? 50), "InvalidNextToken");
        return new JsonObject
        {
            ["InstanceInformationList"] = Json.Array(page, i => new JsonObject
            {
                ["InstanceId"] = i.InstanceId,
                ["PingStatus"] = i.PingStatus,
                ["LastPingDateTime"] = Json.Time(i.LastPingDateTime),
                ["AgentVersion"] = i.AgentVersion,
                ["IsLatestVersion"] = i.IsLatestVersion,
                ["PlatformType"] = i.PlatformType,
                ["PlatformName"] = i.PlatformName,
                ["PlatformVersion"] = i.PlatformVersion,
                ["ResourceType"] = i.ResourceType,
                ["IPAddress"] = i.IPAddress,
                ["ComputerName"] = i.ComputerName,
                // The model: IamRole is "the role assigned to the on-premises managed node"; EC2 instances carry none. It is
                // the activation's IamRole, path included ("service-role/role_name" in the API Reference's examples).
                ["IamRole"] = i.ResourceType == "ManagedInstance" && i.IamRole is { } role ? RoleNameWithPath(role) : null,
            }),
            ["NextToken"] = next,
        };
    }

    // arn:aws:iam::111122223333:role/service-role/name gives service-role/name; a bare name stays as it is.
    private static string RoleNameWithPath(string role) =>
        role.IndexOf(":role/", StringComparison.Ordinal) is var at and >= 0 ? role[(at + ":role/".Length)..] : role;

    private static JsonObject? SendCommand(CallContext ctx, JsonObject input)
    {
        string documentName = input.Req("DocumentName");
        var (doc, _) = Find(ctx, documentName);
        if (doc.DocumentType != "Command") throw new AwsException("InvalidDocument", $"Document {documentName} is not a Command document.");
        var ids = input.Strings("InstanceIds").ToList();
        foreach (var id in ids)
        {
            if (!ctx.State.Instances.ContainsKey(id)) throw new AwsException("InvalidInstanceId", $"Instance {id} is not a managed node.");
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (input["Parameters"] is JsonObject p)
        {
            foreach (var (k, v) in p) parameters[k] = v is JsonArray a ? [.. a.Select(x => x!.GetValue<string>())] : [];
        }

        var command = RecordCommand(ctx.State, ctx.Core.Uuid(), documentName, ids, parameters, input.Str("Comment"), ctx.Now);
        return new JsonObject
        {
            ["Command"] = new JsonObject
            {
                ["CommandId"] = command.CommandId,
                ["DocumentName"] = command.DocumentName,
                ["DocumentVersion"] = "$DEFAULT",
                ["Comment"] = command.Comment,
                ["Parameters"] = new JsonObject(parameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Json.Array(kv.Value)))),
                ["InstanceIds"] = Json.Array(ids),
                ["Targets"] = input["Targets"]?.DeepClone(),
                ["RequestedDateTime"] = Json.Time(command.RequestedDateTime),
                ["Status"] = "Pending",
                ["StatusDetails"] = "Pending",
                ["TargetCount"] = ids.Count,
                ["CompletedCount"] = 0,
                ["ErrorCount"] = 0,
                ["DeliveryTimedOutCount"] = 0,
                ["TimeoutSeconds"] = input.Long("TimeoutSeconds") ?? 3600,
            },
        };
    }

    internal static SsmCommand RecordCommand(RegionState state, string id, string document, List<string> instanceIds, Dictionary<string, List<string>> parameters, string? comment, DateTimeOffset now)
    {
        var command = new SsmCommand { CommandId = id, DocumentName = document, InstanceIds = instanceIds, Parameters = parameters, Comment = comment, RequestedDateTime = now };
        state.Commands.Add(command);
        return command;
    }
}
