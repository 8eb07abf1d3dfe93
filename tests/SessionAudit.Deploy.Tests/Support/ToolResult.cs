namespace SessionAudit.Deploy.Tests.Support;

/// <summary>What a finished tool process printed and returned.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Fails the test with everything the tool said unless it exited 0.</summary>
    public ToolResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new Xunit.Sdk.XunitException($"`{Command}` exited {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}");
        }

        return this;
    }
}
