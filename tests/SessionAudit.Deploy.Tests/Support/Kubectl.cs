namespace SessionAudit.Deploy.Tests.Support;

/// <summary>The real kubectl (env SESSION_AUDIT_KUBECTL, else /usr/bin/kubectl).</summary>
internal static class Kubectl
{
    public static Tool Create() => new(Tool.Locate("SESSION_AUDIT_KUBECTL", "/usr/bin/kubectl"));
}
