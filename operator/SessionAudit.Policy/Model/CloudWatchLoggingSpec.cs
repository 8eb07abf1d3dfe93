using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Policy.Model;

/// <summary>Session log delivery to CloudWatch Logs.</summary>
[CelRule("has(self.logGroupName) || !has(self.encryptionRequired) || !self.encryptionRequired", "encryptionRequired needs logGroupName", FieldPath = ".encryptionRequired")]
[CelRule("has(self.logGroupName) || !has(self.streaming) || !self.streaming", "streaming needs logGroupName", FieldPath = ".streaming")]
public sealed record CloudWatchLoggingSpec
{
    /// <summary>Log group name.</summary>
    [Description("Existing CloudWatch Logs log group receiving session logs (cloudWatchLogGroupName), for example /ssm/sessions.")]
    [RegularExpression(Patterns.LogGroupName)]
    public string? LogGroupName { get; init; }

    /// <summary>Require an encrypted log group.</summary>
    [Description("Send logs only to a KMS-encrypted log group (cloudWatchEncryptionEnabled). The operator checks the group has a KMS key before enabling it. Default true, as in AWS.")]
    public bool? EncryptionRequired { get; init; }

    /// <summary>Stream continuously.</summary>
    [Description("Stream session data continuously as JSON (cloudWatchStreamingEnabled); false uploads the log when the session ends. Default true, as in AWS.")]
    public bool? Streaming { get; init; }
}
