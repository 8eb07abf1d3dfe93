using SessionAudit.Testing.Harness;

namespace SessionAudit.EndToEnd.Tests.Support;

/// <summary>The environment of a shell with none of the sandbox's settings: only kubectl and Debian's AWS CLI 2.9 (which
/// ignores AWS_ENDPOINT_URL) on PATH, no kubeconfig and no AWS variables, so only what a sourced env file sets counts.</summary>
public static class CleanShell
{
    public static Dictionary<string, string?> Environment(string home) => new()
    {
        ["PATH"] = $"{Path.GetDirectoryName(Tools.AwsCli)}:{Path.GetDirectoryName(Tools.Kubectl)}:/usr/bin:/bin",
        ["HOME"] = home,
        ["KUBECONFIG"] = null,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_REGION"] = null,
        ["AWS_DEFAULT_REGION"] = null,
        ["AWS_PROFILE"] = null,
    };
}
