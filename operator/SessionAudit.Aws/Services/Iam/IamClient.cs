using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Iam;

/// <summary>Thin IAM client (query protocol, version 2010-05-08; a global service, so its channel is signed for the
/// partition's IAM region). Retries are the caller's.</summary>
public sealed class IamClient
{
    /// <summary>metadata.apiVersion.</summary>
    public const string ApiVersion = "2010-05-08";

    /// <summary>Creates the client over a channel signed for "iam".</summary>
    public IamClient(AwsChannel channel) => Protocol = new AwsQueryProtocol(channel, ApiVersion);

    /// <summary>The wire protocol.</summary>
    public AwsQueryProtocol Protocol { get; }

    /// <summary>GetInstanceProfile: the ARNs of the profile's roles (InstanceProfile/Roles/member/Arn; a profile holds at most one).</summary>
    public async Task<IReadOnlyList<string>> GetInstanceProfileRolesAsync(string instanceProfileName, CancellationToken cancellationToken)
    {
        var result = await Protocol.InvokeAsync("GetInstanceProfile", [new("InstanceProfileName", instanceProfileName)], cancellationToken).ConfigureAwait(false);
        var profile = result.Elements().FirstOrDefault(e => e.Name.LocalName == "InstanceProfile");
        var roles = profile?.Elements().FirstOrDefault(e => e.Name.LocalName == "Roles");
        return [.. (roles?.Elements().Where(e => e.Name.LocalName == "member") ?? [])
            .Select(m => m.Elements().FirstOrDefault(e => e.Name.LocalName == "Arn")?.Value)
            .OfType<string>()];
    }
}
