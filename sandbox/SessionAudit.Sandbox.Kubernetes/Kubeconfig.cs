namespace SessionAudit.Sandbox.Kubernetes;

/// <summary>Renders a kubeconfig for the sandbox.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string identity, string token, string? authorityPem)
    {
        var url = server.GetLeftPart(UriPartial.Authority);
        var trust = authorityPem is null
            ? ""
            : "\n    certificate-authority-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(authorityPem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: session-audit-sandbox
              cluster:
                server: {url}{trust}
            users:
            - name: {Quote(identity)}
              user:
                token: {token}
            contexts:
            - name: session-audit-sandbox
              context:
                cluster: session-audit-sandbox
                user: {Quote(identity)}
                namespace: default
            current-context: session-audit-sandbox

            """;
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
