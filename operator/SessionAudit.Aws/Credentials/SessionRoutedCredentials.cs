using Amazon.Runtime;

namespace SessionAudit.Aws.Credentials;

/// <summary>
/// The credentials the clients shared by every role session of one role and region sign with: the session of the call
/// in flight, set by <see cref="AwsClients"/> around each call it runs (an async-local value, so concurrent calls of
/// different sessions on one client each sign as their own). Without a session it fails: a shared client never signs
/// with credentials nobody chose.
/// </summary>
internal sealed class SessionRoutedCredentials : AWSCredentials
{
    private static readonly AsyncLocal<AWSCredentials?> CurrentSession = new();

    /// <summary>The one instance the shared clients hold.</summary>
    public static SessionRoutedCredentials Instance { get; } = new();

    private SessionRoutedCredentials()
    {
    }

    /// <summary>Makes <paramref name="session"/> the credentials of the calls that follow in this async flow.</summary>
    public static void Use(AWSCredentials session) => CurrentSession.Value = session;

    /// <inheritdoc />
    public override ImmutableCredentials GetCredentials() => Session.GetCredentials();

    /// <inheritdoc />
    public override Task<ImmutableCredentials> GetCredentialsAsync() => Session.GetCredentialsAsync();

    private static AWSCredentials Session =>
        CurrentSession.Value ?? throw new InvalidOperationException("a client shared by role sessions was called outside a session");
}
