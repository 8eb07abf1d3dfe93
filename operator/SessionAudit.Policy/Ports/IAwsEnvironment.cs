namespace SessionAudit.Policy.Ports;

/// <summary>The AWS ports for one scope (account and region): one small port per concern.</summary>
public interface IAwsEnvironment
{
    /// <summary>The scope these ports are bound to.</summary>
    AwsScope Scope { get; }

    /// <summary>Who we are in this scope (STS GetCallerIdentity).</summary>
    ICallerIdentityPort Identity { get; }

    /// <summary>Session Manager preferences document (SSM).</summary>
    IPreferencesDocumentPort Documents { get; }

    /// <summary>S3 buckets for session logs.</summary>
    IS3BucketPort Buckets { get; }

    /// <summary>CloudWatch Logs log groups for session logs.</summary>
    ILogGroupPort LogGroups { get; }

    /// <summary>KMS keys.</summary>
    IKmsKeyPort Keys { get; }

    /// <summary>KMS grants.</summary>
    IKmsGrantPort Grants { get; }

    /// <summary>CloudTrail trails.</summary>
    ICloudTrailPort Trails { get; }

    /// <summary>Existence checks for alert targets (SNS, Lambda, CodePipeline).</summary>
    IAlertTargetPort AlertTargets { get; }

    /// <summary>EventBridge rules and their targets on the default event bus.</summary>
    IEventRulePort Rules { get; }
}
