namespace SessionAudit.Policy.Model;

/// <summary>
/// Regular expressions shared by the CRD schema and the validator. kube-apiserver compiles CRD patterns with Go's
/// regexp, so they are RE2: no lookaround or backreferences, and no repeat count above 1000 (one such pattern
/// makes the whole CRD invalid). Long values are bounded by the property's MaxLength, not by {n,m}.
/// The validator matches them with .NET, which reads them the same way (see SchemaRules.Matches for $).
/// </summary>
public static class Patterns
{
    /// <summary>An AWS region such as us-east-1, eu-central-2, us-gov-west-1, cn-north-1.</summary>
    public const string Region = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";

    /// <summary>An IAM role ARN.</summary>
    public const string RoleArn = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$";

    /// <summary>An IAM or STS principal ARN (role, user, assumed role) usable as KMS grantee.</summary>
    public const string PrincipalArn = "^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(role|user|assumed-role)/[A-Za-z0-9+=,.@_/-]{1,512}$";

    /// <summary>An STS external id (empty means none); at most 1224 characters through MaxLength.</summary>
    public const string ExternalId = "^([A-Za-z0-9+=,.@:/_-]{2,})?$";

    /// <summary>An SSM document name.</summary>
    public const string DocumentName = "^[A-Za-z0-9_.-]{3,128}$";

    /// <summary>A Kubernetes object name (DNS subdomain, RFC 1123); at most 253 characters through MaxLength.</summary>
    public const string DnsSubdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>An STS session tag key (botocore sts tagKeyType); at most 128 characters through MaxLength.</summary>
    public const string SessionTagKey = "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]+$";

    /// <summary>An STS session tag value (botocore sts tagValueType); at most 256 characters through MaxLength.</summary>
    public const string SessionTagValue = "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*$";

    /// <summary>A 12-digit AWS account id.</summary>
    public const string AccountId = "^[0-9]{12}$";

    /// <summary>An S3 bucket name (general purpose buckets).</summary>
    public const string BucketName = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

    /// <summary>An S3 key prefix (no leading slash); at most 1024 characters through MaxLength.</summary>
    public const string KeyPrefix = "^([^/][^\\x00-\\x1F\\x7F]*)?$";

    /// <summary>A CloudWatch Logs log group name.</summary>
    public const string LogGroupName = "^[A-Za-z0-9._/#-]{1,512}$";

    /// <summary>A KMS key reference: key id, multi-Region key id, alias name, key ARN or alias ARN.</summary>
    public const string KmsKeyId =
        "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]{1,250}" +
        "|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]{1,250}))$";

    /// <summary>An SNS topic ARN.</summary>
    public const string SnsTopicArn = "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$";

    /// <summary>A Lambda function ARN, optionally qualified by version or alias.</summary>
    public const string LambdaFunctionArn = "^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$";

    /// <summary>A CodePipeline pipeline ARN.</summary>
    public const string CodePipelineArn = "^arn:aws[a-z-]*:codepipeline:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9.@_-]{1,100}$";

    /// <summary>An SSM document name or document ARN for Run Command targets.</summary>
    public const string RunCommandDocument = "^([A-Za-z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:([0-9]{12})?:document/[A-Za-z0-9_.-]{3,128})$";

    /// <summary>A Run Command target key: InstanceIds or tag:NAME.</summary>
    public const string RunCommandTargetKey = "^(InstanceIds|tag:[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128})$";

    /// <summary>A Go-style duration made of hours, minutes and seconds, for example 30s, 5m, 1h, 1h30m.</summary>
    public const string Duration = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

    /// <summary>A Linux user name for runAs.defaultUser.</summary>
    public const string LinuxUser = "^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,31}$";
}
