using System.Text.Json.Serialization;

namespace SessionAudit.Sandbox.Aws.State;

/// <summary>Everything the sandbox knows, by account and region; S3 buckets are one global namespace as in AWS.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class World
{
    public Dictionary<string, AccountState> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>All buckets by name (bucket names are global); each records its owner account and region.</summary>
    public SortedDictionary<string, Bucket> Buckets { get; } = new(StringComparer.Ordinal);

    /// <summary>Access keys a seed added (access key id to account id or IAM ARN), kept so a state file restores them.</summary>
    public Dictionary<string, string> AccessKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Temporary access keys handed out by AssumeRole*, mapped to the assumed identity.</summary>
    public Dictionary<string, TemporaryCredential> TemporaryKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Trust policies of the roles a seed declared, by role ARN; a role not declared may be assumed by anyone.</summary>
    public Dictionary<string, string> RoleTrust { get; } = new(StringComparer.Ordinal);

    /// <summary>The earliest moment an open session ends by its idle timeout or maximum duration (null: none open).</summary>
    [JsonIgnore]
    public DateTimeOffset? NextSessionExpiry { get; set; }

    /// <summary>False until <see cref="NextSessionExpiry"/> has been computed (again after a state file is loaded).</summary>
    [JsonIgnore]
    public bool NextSessionExpiryKnown { get; set; }

    public RegionState Region(string account, string region)
    {
        if (!Accounts.TryGetValue(account, out var a)) Accounts[account] = a = new AccountState();
        if (!a.Regions.TryGetValue(region, out var r)) a.Regions[region] = r = new RegionState();
        return r;
    }
}

/// <summary>One account's regions.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class AccountState
{
    public Dictionary<string, RegionState> Regions { get; } = new(StringComparer.Ordinal);
}

/// <summary>The regional resources of one account.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class RegionState
{
    public SortedDictionary<string, SsmDocument> Documents { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SsmSession> Sessions { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ManagedInstance> Instances { get; } = new(StringComparer.Ordinal);
    public List<SsmCommand> Commands { get; } = [];
    public Dictionary<string, KmsKey> Keys { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, LogGroup> LogGroups { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, EventRule> Rules { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, Trail> Trails { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, SnsTopic> Topics { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, LambdaFunction> Functions { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, Pipeline> Pipelines { get; } = new(StringComparer.Ordinal);
}

/// <summary>Credentials issued by STS, so later calls signed with them resolve to the role's account.</summary>
internal sealed class TemporaryCredential
{
    public required string Account { get; set; }
    public required string Arn { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset Expiration { get; set; }
}

/// <summary>An SSM document with all its versions.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class SsmDocument
{
    public required string Name { get; set; }
    public required string DocumentType { get; set; }
    public required string DocumentFormat { get; set; }
    public string? TargetType { get; set; }
    public string Owner { get; set; } = "";
    public int DefaultVersion { get; set; } = 1;
    public List<SsmDocumentVersion> Versions { get; } = [];
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    /// <summary>The highest version number ever given: SSM never reuses a number, even after versions are deleted.</summary>
    public int HighestVersion { get; set; }

    public SsmDocumentVersion Latest => Versions[^1];
}

/// <summary>One version of an SSM document.</summary>
internal sealed class SsmDocumentVersion
{
    public int Version { get; set; }
    public required string Content { get; set; }
    public required string Hash { get; set; }
    public string? VersionName { get; set; }
    public DateTimeOffset CreatedDate { get; set; }
    public string? SchemaVersion { get; set; }
    public string? Description { get; set; }
    public string? DocumentFormat { get; set; }
}

/// <summary>A Session Manager session (active or history).</summary>
internal sealed class SsmSession
{
    public required string SessionId { get; set; }
    public required string Target { get; set; }
    public string Status { get; set; } = "Connected";
    public DateTimeOffset StartDate { get; set; }
    public DateTimeOffset? EndDate { get; set; }
    public string? DocumentName { get; set; }
    public required string Owner { get; set; }
    public string? Reason { get; set; }
    public string? MaxSessionDuration { get; set; }

    /// <summary>The document whose preferences applied when the session started, as "name:version"; null without preferences.</summary>
    public string? PreferencesDocument { get; set; }

    /// <summary>The logging preferences (the document's <c>inputs</c>, JSON) as they were when the session started.</summary>
    public string? Preferences { get; set; }

    /// <summary>The <c>sessionType</c> of the session's own document (Port sessions are not logged).</summary>
    public string? SessionType { get; set; }

    /// <summary>Why the agent refused the session's logging at start (its encryption checks), or null.</summary>
    public string? LoggingRefused { get; set; }

    /// <summary>The start or the last ResumeSession: idle time counts from here.</summary>
    public DateTimeOffset? LastActivity { get; set; }

    /// <summary>When the session ends by itself (idle timeout or maximum duration); null when never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Set once the end-of-session upload has been made, so it happens once.</summary>
    public bool LogsDelivered { get; set; }
}

/// <summary>A managed node as DescribeInstanceInformation reports it.</summary>
internal sealed class ManagedInstance
{
    public required string InstanceId { get; set; }
    public string PingStatus { get; set; } = "Online";
    public DateTimeOffset LastPingDateTime { get; set; }
    public string AgentVersion { get; set; } = "3.3.1142.0";
    public bool IsLatestVersion { get; set; }
    public string PlatformType { get; set; } = "Linux";
    public string PlatformName { get; set; } = "Amazon Linux";
    public string PlatformVersion { get; set; } = "2023";
    public string ResourceType { get; set; } = "EC2Instance";
    public string? IPAddress { get; set; }
    public string? ComputerName { get; set; }

    /// <summary>The instance profile's role ARN; the SSM Agent uploads session logs with its credentials.</summary>
    public string? IamRole { get; set; }

    /// <summary>The name of the instance profile associated with an EC2 instance (EC2 DescribeIamInstanceProfileAssociations,
    /// IAM GetInstanceProfile); null: the role's name, as the EC2 console names the profile it creates for a role.</summary>
    public string? InstanceProfile { get; set; }
}

/// <summary>A Run Command invocation (SendCommand or an EventBridge target).</summary>
internal sealed class SsmCommand
{
    public required string CommandId { get; set; }
    public required string DocumentName { get; set; }
    public List<string> InstanceIds { get; set; } = [];
    public Dictionary<string, List<string>> Parameters { get; set; } = [];
    public DateTimeOffset RequestedDateTime { get; set; }
    public string? Comment { get; set; }
}

/// <summary>A KMS key.</summary>
internal sealed class KmsKey
{
    public required string KeyId { get; set; }
    public required string Arn { get; set; }
    public string KeyManager { get; set; } = "CUSTOMER";
    public string KeyState { get; set; } = "Enabled";
    public string Description { get; set; } = "";
    public DateTimeOffset CreationDate { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public int? PendingWindowInDays { get; set; }
    public string KeySpec { get; set; } = "SYMMETRIC_DEFAULT";
    public string KeyUsage { get; set; } = "ENCRYPT_DECRYPT";
    public List<KmsGrant> Grants { get; set; } = [];
}

/// <summary>A KMS grant.</summary>
internal sealed class KmsGrant
{
    public required string GrantId { get; set; }
    public required string GrantToken { get; set; }
    public string? Name { get; set; }
    public required string GranteePrincipal { get; set; }
    public string? RetiringPrincipal { get; set; }
    public List<string> Operations { get; set; } = [];
    public DateTimeOffset CreationDate { get; set; }
    public required string IssuingAccount { get; set; }
}

/// <summary>A CloudWatch Logs log group.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
internal sealed class LogGroup
{
    public required string Name { get; set; }
    public string? KmsKeyId { get; set; }
    public int? RetentionInDays { get; set; }
    public DateTimeOffset CreationTime { get; set; }
    public string LogGroupClass { get; set; } = "STANDARD";
    public SortedDictionary<string, LogStream> Streams { get; } = new(StringComparer.Ordinal);
}

/// <summary>A CloudWatch Logs log stream and its events.</summary>
internal sealed class LogStream
{
    public required string Name { get; set; }
    public DateTimeOffset CreationTime { get; set; }
    public List<LogEvent> Events { get; set; } = [];
}

/// <summary>One log event (timestamp and ingestion time in epoch milliseconds).</summary>
internal sealed class LogEvent
{
    public long Timestamp { get; set; }
    public required string Message { get; set; }
    public long IngestionTime { get; set; }
}

/// <summary>An EventBridge rule on the default bus and its targets.</summary>
internal sealed class EventRule
{
    public required string Name { get; set; }
    public string? EventPattern { get; set; }
    public string? ScheduleExpression { get; set; }
    public string State { get; set; } = "ENABLED";
    public string? Description { get; set; }
    public string? RoleArn { get; set; }
    public string EventBusName { get; set; } = "default";
    public List<System.Text.Json.Nodes.JsonObject> Targets { get; set; } = [];
}

/// <summary>A CloudTrail trail.</summary>
internal sealed class Trail
{
    public required string Name { get; set; }
    public required string S3BucketName { get; set; }
    public string? S3KeyPrefix { get; set; }
    public string? SnsTopicName { get; set; }
    public bool IncludeGlobalServiceEvents { get; set; } = true;
    public bool IsMultiRegionTrail { get; set; }
    public bool LogFileValidationEnabled { get; set; }
    public string? CloudWatchLogsLogGroupArn { get; set; }
    public string? CloudWatchLogsRoleArn { get; set; }
    public string? KmsKeyId { get; set; }
    public bool IsLogging { get; set; }
    public DateTimeOffset? StartLoggingTime { get; set; }
    public DateTimeOffset? StopLoggingTime { get; set; }
    public required string HomeRegion { get; set; }
    public required string TrailArn { get; set; }

    /// <summary>Created with IsOrganizationTrail: it records for every account of the world (one organization).</summary>
    public bool IsOrganizationTrail { get; set; }

    /// <summary>Basic event selectors in member-name JSON; null with no advanced ones means the default (all management events).</summary>
    public System.Text.Json.Nodes.JsonArray? EventSelectors { get; set; }

    /// <summary>Advanced event selectors in member-name JSON, when the trail uses them instead of basic ones.</summary>
    public System.Text.Json.Nodes.JsonArray? AdvancedEventSelectors { get; set; }
}

/// <summary>An SNS topic and the messages it received.</summary>
internal sealed class SnsTopic
{
    public required string Arn { get; set; }
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);
    public int MessageCount { get; set; }
}

/// <summary>A Lambda function (a registry entry; no code runs).</summary>
internal sealed class LambdaFunction
{
    public required string Name { get; set; }
    public required string Arn { get; set; }
    public string? Runtime { get; set; }
    public string? Role { get; set; }
    public string? Handler { get; set; }
    public string? Description { get; set; }
    public int Timeout { get; set; } = 3;
    public int MemorySize { get; set; } = 128;
    public DateTimeOffset LastModified { get; set; }
    public long CodeSize { get; set; }
    public string CodeSha256 { get; set; } = "";
    public int Invocations { get; set; }

    /// <summary>The resource policy (AddPermission statements), null when there is none.</summary>
    public string? Policy { get; set; }

    /// <summary>The policy's RevisionId, changed by every AddPermission and RemovePermission.</summary>
    public string? PolicyRevision { get; set; }
}

/// <summary>A CodePipeline pipeline (a registry entry; no stages run).</summary>
internal sealed class Pipeline
{
    public required string Name { get; set; }
    public string? RoleArn { get; set; }
    public int Version { get; set; } = 1;
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }
    public string? Declaration { get; set; }
    public int Executions { get; set; }
}
