using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace SessionAudit.Aws.Credentials;

/// <summary>
/// The operator's own credentials: the SDK's default resolver (environment, profile, IRSA web identity via
/// AWSSDK.SecurityToken, container and instance metadata), resolved once on first use. Tests pass fixed credentials.
/// </summary>
public sealed class AwsCredentialsSource
{
    private readonly Lazy<AWSCredentials> _base;

    /// <summary>Uses the SDK's default credential chain.</summary>
    public AwsCredentialsSource() : this(null) { }

    /// <summary>Uses <paramref name="credentials"/>, or the SDK's default chain when null.</summary>
    public AwsCredentialsSource(AWSCredentials? credentials) =>
        _base = new Lazy<AWSCredentials>(() => credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials());

    /// <summary>The base credentials; assumed roles are obtained with these.</summary>
    public AWSCredentials Base => _base.Value;
}
