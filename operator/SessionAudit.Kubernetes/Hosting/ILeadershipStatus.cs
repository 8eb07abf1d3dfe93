namespace SessionAudit.Kubernetes.Hosting;

/// <summary>Whether this process reconciles now (for health and readiness endpoints).</summary>
public interface ILeadershipStatus
{
    /// <summary>This process's leader-election identity.</summary>
    string Identity { get; }

    /// <summary>True while this process may reconcile (leading, or leader election disabled).</summary>
    bool IsActive { get; }
}
