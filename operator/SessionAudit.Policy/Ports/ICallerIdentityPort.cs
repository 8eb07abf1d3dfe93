namespace SessionAudit.Policy.Ports;

/// <summary>The identity of the caller in a scope (STS GetCallerIdentity).</summary>
public interface ICallerIdentityPort
{
    /// <summary>The 12-digit account id the scope's credentials belong to.</summary>
    Task<string> GetAccountIdAsync(CancellationToken cancellationToken);
}
