using System.Text;

namespace SessionAudit.Operator.Sandbox;

/// <summary>The sandbox's settings as a file a shell can <c>source</c>: exported variables for kubectl and the AWS CLI, and
/// <c>aws_sandbox</c>, a ready invocation with <c>--endpoint-url</c> for AWS CLIs before 2.13 (Debian's 2.9 ignores
/// AWS_ENDPOINT_URL).</summary>
internal static class SandboxEnvFile
{
    public static string Write(string directory, string kubeconfig, IReadOnlyDictionary<string, string> aws)
    {
        var text = new StringBuilder();
        text.AppendLine("# session-audit sandbox: source this file (bash, zsh) to use kubectl and the AWS CLI against it.");
        text.AppendLine($"export KUBECONFIG={Quote(kubeconfig)}");
        foreach (var (k, v) in aws)
        {
            text.AppendLine($"export {k}={Quote(v)}");
        }

        if (aws.TryGetValue("AWS_REGION", out var region))
        {
            text.AppendLine($"export AWS_DEFAULT_REGION={Quote(region)}");
        }

        // The AWS CLI must not pick up the user's own profile or credentials file.
        text.AppendLine("export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null");
        text.AppendLine($"aws_sandbox() {{ aws --endpoint-url {Quote(aws["AWS_ENDPOINT_URL"])} \"$@\"; }}");
        var path = Path.Combine(directory, "env");
        WritePrivate(path, text.ToString());
        return path;
    }

    /// <summary>Writes <paramref name="text"/> to a new file only its owner can read; a file or planted link at
    /// <paramref name="path"/> is replaced, never followed.</summary>
    public static void WritePrivate(string path, string text)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(Encoding.UTF8.GetBytes(text));
    }

    // POSIX single quotes: nothing inside is expanded; a quote itself is closed, escaped and reopened.
    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
