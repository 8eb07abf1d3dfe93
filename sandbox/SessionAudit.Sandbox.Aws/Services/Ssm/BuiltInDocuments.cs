using SessionAudit.Sandbox.Aws.State;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>The AWS-owned documents the operator and the CLI refer to; read-only, present in every region.</summary>
internal static class BuiltInDocuments
{
    private static readonly Dictionary<string, SsmDocument> Documents = new[]
    {
        Session("AWS-StartPortForwardingSession", """{"schemaVersion":"1.0","description":"Document to start port forwarding session over Session Manager","sessionType":"Port","parameters":{"portNumber":{"type":"String","description":"(Optional) Port number of the server on the instance","allowedPattern":"^([1-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$","default":"80"},"localPortNumber":{"type":"String","description":"(Optional) Port number on local machine to forward traffic to. An open port is chosen at run-time if not provided","allowedPattern":"^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$","default":"0"}},"properties":{"portNumber":"{{ portNumber }}","type":"LocalPortForwarding","localPortNumber":"{{ localPortNumber }}"}}"""),
        Session("AWS-StartPortForwardingSessionToRemoteHost", """{"schemaVersion":"1.0","description":"Document to start port forwarding session over Session Manager to a remote host","sessionType":"Port","parameters":{"host":{"type":"String","description":"(Required) The IP address or host name of the remote host"},"portNumber":{"type":"String","default":"80"},"localPortNumber":{"type":"String","default":"0"}},"properties":{"host":"{{ host }}","portNumber":"{{ portNumber }}","type":"LocalPortForwarding","localPortNumber":"{{ localPortNumber }}"}}"""),
        Session("AWS-StartSSHSession", """{"schemaVersion":"1.0","description":"Document to start SSH session over Session Manager","sessionType":"Port","parameters":{"portNumber":{"type":"String","description":"(Optional) Port number of SSH server on the instance","default":"22"}},"properties":{"portNumber":"{{ portNumber }}"}}"""),
        Session("AWS-StartInteractiveCommand", """{"schemaVersion":"1.0","description":"Document to run single interactive command on an instance","sessionType":"InteractiveCommands","parameters":{"command":{"type":"String","description":"The command to run on the instance"}},"properties":{"windows":{"commands":"{{command}}","runAsElevated":false},"linux":{"commands":"{{command}}","runAsElevated":false}}}"""),
        Session("AWS-StartNonInteractiveCommand", """{"schemaVersion":"1.0","description":"Document to run single non interactive command on an instance","sessionType":"NonInteractiveCommands","parameters":{"command":{"type":"String","description":"The command to run on the instance"}},"properties":{"windows":{"commands":"{{command}}","runAsElevated":false},"linux":{"commands":"{{command}}","runAsElevated":false}}}"""),
        Command("AWS-RunShellScript", """{"schemaVersion":"1.2","description":"Run a shell script or specify the commands to run.","parameters":{"commands":{"type":"StringList","description":"(Required) Specify a shell script or a command to run."},"workingDirectory":{"type":"String","default":""},"executionTimeout":{"type":"String","default":"3600"}},"runtimeConfig":{"aws:runShellScript":{"properties":[{"id":"0.aws:runShellScript","runCommand":"{{ commands }}","workingDirectory":"{{ workingDirectory }}","timeoutSeconds":"{{ executionTimeout }}"}]}}}"""),
        Command("AWS-RunPowerShellScript", """{"schemaVersion":"1.2","description":"Run a PowerShell script or specify the paths to scripts to run.","parameters":{"commands":{"type":"StringList","description":"(Required) Specify the commands to run or the paths to existing scripts on the instance."},"workingDirectory":{"type":"String","default":""},"executionTimeout":{"type":"String","default":"3600"}},"runtimeConfig":{"aws:runPowerShellScript":{"properties":[{"id":"0.aws:runPowerShellScript","runCommand":"{{ commands }}","workingDirectory":"{{ workingDirectory }}","timeoutSeconds":"{{ executionTimeout }}"}]}}}"""),
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Documents whose sessions Session Manager does not log (port forwarding, SSH).</summary>
    public static bool IsUnlogged(string? documentName) =>
        documentName is "AWS-StartPortForwardingSession" or "AWS-StartPortForwardingSessionToRemoteHost" or "AWS-StartSSHSession";

    public static SsmDocument? Get(string name) => Documents.GetValueOrDefault(name);

    private static SsmDocument Session(string name, string content) => Make(name, "Session", content);

    private static SsmDocument Command(string name, string content) => Make(name, "Command", content);

    private static SsmDocument Make(string name, string type, string content)
    {
        var d = new SsmDocument { Name = name, DocumentType = type, DocumentFormat = "JSON", Owner = "Amazon" };
        var parsed = System.Text.Json.Nodes.JsonNode.Parse(content)!;
        d.Versions.Add(new SsmDocumentVersion
        {
            Version = 1,
            Content = content,
            Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content))),
            CreatedDate = new DateTimeOffset(2018, 11, 15, 0, 0, 0, TimeSpan.Zero),
            DocumentFormat = "JSON",
            SchemaVersion = parsed["schemaVersion"]!.GetValue<string>(),
            Description = parsed["description"]!.GetValue<string>(),
        });
        return d;
    }
}
