namespace SessionAudit.Policy.Model;

/// <summary>
/// CEL rules (x-kubernetes-validations) restating bounds PolicyValidator enforces, so the API server refuses a spec
/// the reconciler would only mark InvalidSpec later. Each rule sits on the field it reads: the field is present when
/// the rule runs, so no has() guard is needed. String functions only run on fields with a maxLength, which keeps
/// kube-apiserver's cost estimate small.
/// </summary>
public static class CelBounds
{
    /// <summary>spec.driftCheckInterval within 30s..24h (duration() parses Go duration syntax, a superset of Patterns.Duration).</summary>
    public const string DriftCheckInterval = "duration(self) >= duration('30s') && duration(self) <= duration('24h')";

    /// <summary>spec.report.interval within 1m..24h.</summary>
    public const string ReportInterval = "duration(self) >= duration('1m') && duration(self) <= duration('24h')";

    /// <summary>S3 bucket names: no "..", ".-" or "-.".</summary>
    public const string BucketNoAdjacentDots = "!self.contains('..') && !self.contains('.-') && !self.contains('-.')";

    /// <summary>S3 bucket names may not be formatted as an IPv4 address.</summary>
    public const string BucketNotIpAddress = "!self.matches('^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$')";

    /// <summary>S3 bucket names may not use the prefixes and suffixes S3 reserves.</summary>
    public const string BucketNotReserved =
        "!self.startsWith('xn--') && !self.startsWith('sthree-') && !self.endsWith('-s3alias') && !self.endsWith('--ol-s3')";

    /// <summary>A KMS key reference (Patterns.KmsKeyId; a pattern without quotes or backslashes, so it embeds as is).</summary>
    public const string KmsKeyId = "self.matches('" + Patterns.KmsKeyId + "')";
}
