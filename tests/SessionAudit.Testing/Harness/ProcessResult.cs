namespace SessionAudit.Testing.Harness;

/// <summary>What a finished process printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }

        return this;
    }
}
