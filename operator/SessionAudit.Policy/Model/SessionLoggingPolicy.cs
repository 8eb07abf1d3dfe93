namespace SessionAudit.Policy.Model;

/// <summary>A whole policy as the domain sees it: metadata, spec and status.</summary>
public sealed record SessionLoggingPolicy(PolicyMetadata Metadata, SessionLoggingPolicySpec Spec, SessionLoggingPolicyStatus? Status = null)
{
    /// <summary>API group.</summary>
    public const string Group = "sessionaudit.io";
    /// <summary>API version.</summary>
    public const string Version = "v1alpha1";
    /// <summary>apiVersion string.</summary>
    public const string ApiVersion = Group + "/" + Version;
    /// <summary>Kind.</summary>
    public const string KindName = "SessionLoggingPolicy";
    /// <summary>Plural resource name.</summary>
    public const string Plural = "sessionloggingpolicies";
    /// <summary>Singular resource name.</summary>
    public const string Singular = "sessionloggingpolicy";
    /// <summary>Short name.</summary>
    public const string ShortName = "slp";
    /// <summary>Category.</summary>
    public const string Category = "sessionaudit";
    /// <summary>Finalizer the operator puts on policies before touching AWS.</summary>
    public const string Finalizer = "sessionaudit.io/cleanup";
}
