namespace SessionAudit.Sandbox.Aws.Seed;

/// <summary>The YAML world seed (see deploy/sandbox/seed-example.yaml); every list is optional.</summary>
internal sealed class WorldSeed
{
    /// <summary>Access key id to account id, or to a full IAM ARN (which also names the caller).</summary>
    public Dictionary<string, string> AccessKeys { get; set; } = [];
    public List<AccountSeed> Accounts { get; set; } = [];
}

internal sealed class AccountSeed
{
    public string Id { get; set; } = "";
    /// <summary>IAM roles with a trust policy: AssumeRole of one of these is evaluated against it.</summary>
    public List<RoleSeed> Roles { get; set; } = [];
    public List<RegionSeed> Regions { get; set; } = [];
}

internal sealed class RoleSeed
{
    public string Name { get; set; } = "";
    /// <summary>The trust policy (AssumeRolePolicyDocument) as JSON text.</summary>
    public string TrustPolicy { get; set; } = "";
}

internal sealed class RegionSeed
{
    public string Name { get; set; } = "us-east-1";
    public List<KeySeed> Keys { get; set; } = [];
    public List<BucketSeed> Buckets { get; set; } = [];
    public List<LogGroupSeed> LogGroups { get; set; } = [];
    public List<TrailSeed> Trails { get; set; } = [];
    public List<TopicSeed> Topics { get; set; } = [];
    public List<FunctionSeed> Functions { get; set; } = [];
    public List<PipelineSeed> Pipelines { get; set; } = [];
    public List<DocumentSeed> Documents { get; set; } = [];
    public List<RuleSeed> Rules { get; set; } = [];
    public List<InstanceSeed> Instances { get; set; } = [];
    public List<SessionSeed> Sessions { get; set; } = [];
}

internal sealed class KeySeed
{
    public string? Id { get; set; }
    public string? Alias { get; set; }
    public string Description { get; set; } = "";
    public string State { get; set; } = "Enabled";
    public string KeyManager { get; set; } = "CUSTOMER";
    public string KeySpec { get; set; } = "SYMMETRIC_DEFAULT";
    public string? KeyUsage { get; set; }
}

internal sealed class BucketSeed
{
    public string Name { get; set; } = "";

    /// <summary>none, AES256 or aws:kms.</summary>
    public string Encryption { get; set; } = "none";
    public string? KmsKey { get; set; }
    public bool BucketKey { get; set; }
}

internal sealed class LogGroupSeed
{
    public string Name { get; set; } = "";

    /// <summary>Key id, alias or ARN; stored as the key ARN, as CloudWatch Logs does.</summary>
    public string? KmsKey { get; set; }
    public int? RetentionInDays { get; set; }
}

internal sealed class TrailSeed
{
    public string Name { get; set; } = "";
    public string Bucket { get; set; } = "";
    public bool Logging { get; set; } = true;
    public bool MultiRegion { get; set; }
}

internal sealed class NameSeed
{
    public string Name { get; set; } = "";
}

internal sealed class TopicSeed
{
    public string Name { get; set; } = "";

    /// <summary>The topic policy JSON; SNS's default (owner account only) when absent.</summary>
    public string? Policy { get; set; }
    public string? KmsMasterKeyId { get; set; }
}

internal sealed class FunctionSeed
{
    public string Name { get; set; } = "";
    public string Runtime { get; set; } = "python3.12";
    public string? Role { get; set; }
    public string Handler { get; set; } = "index.handler";
    public string? Description { get; set; }

    /// <summary>The function's resource policy JSON; none when absent (nothing but the owner may invoke it).</summary>
    public string? Policy { get; set; }
}

internal sealed class PipelineSeed
{
    public string Name { get; set; } = "";
    public string? RoleArn { get; set; }
}

internal sealed class DocumentSeed
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "Session";
    public string Format { get; set; } = "JSON";
    public string Content { get; set; } = "";
}

internal sealed class RuleSeed
{
    public string Name { get; set; } = "";
    public string? Pattern { get; set; }
    public string State { get; set; } = "ENABLED";
    public string? Description { get; set; }
    public List<TargetSeed> Targets { get; set; } = [];
}

internal sealed class TargetSeed
{
    public string Id { get; set; } = "";
    public string Arn { get; set; } = "";
    public string? RoleArn { get; set; }
}

internal sealed class InstanceSeed
{
    public string Id { get; set; } = "";
    public string PlatformType { get; set; } = "Linux";
    public string PlatformName { get; set; } = "Amazon Linux";
    public string PlatformVersion { get; set; } = "2023";
    public string AgentVersion { get; set; } = "3.3.1142.0";
    public string PingStatus { get; set; } = "Online";
    public string ResourceType { get; set; } = "EC2Instance";
    public string? ComputerName { get; set; }
    public string? IpAddress { get; set; }
    public double LastPingMinutesAgo { get; set; } = 1;

    /// <summary>The instance profile's role ARN (arn:aws:iam::&lt;account&gt;:role/&lt;name&gt;), whose KMS grants the agent's log upload uses.</summary>
    public string? IamRole { get; set; }

    /// <summary>The instance profile's name (EC2 instances); default the role's name, as the EC2 console names the profile
    /// it makes for a role.</summary>
    public string? InstanceProfile { get; set; }
}

internal sealed class SessionSeed
{
    public string? Id { get; set; }
    public string Target { get; set; } = "";

    /// <summary>An IAM user name (expanded to the account's user ARN) or a full ARN.</summary>
    public string Owner { get; set; } = "sandbox-user";
    public string Document { get; set; } = "SSM-SessionManagerRunShell";
    public double StartedDaysAgo { get; set; }
    public double StartedHoursAgo { get; set; }

    /// <summary>Set for ended sessions; leave out for a session still connected.</summary>
    public double? DurationMinutes { get; set; }
    public string? Status { get; set; }
    public string? Reason { get; set; }
}
