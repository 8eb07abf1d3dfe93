namespace SessionAudit.Sandbox.Aws;

/// <summary>One request the sandbox answered: who called what, where, and how it ended.</summary>
public sealed record AwsCallRecord(
    DateTimeOffset Time,
    string Account,
    string Region,
    string Service,
    string Operation,
    string? AccessKeyId,
    string CallerArn,
    int Status,
    string? ErrorCode,
    bool IsWrite)
{
    public bool Succeeded => Status is >= 200 and < 300;
    public bool Throttled => ErrorCode is "ThrottlingException" or "Throttling" or "SlowDown";
}
