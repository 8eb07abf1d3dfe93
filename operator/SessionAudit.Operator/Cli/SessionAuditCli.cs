using System.CommandLine;

namespace SessionAudit.Operator.Cli;

/// <summary>The `session-audit` command line: one verb per job, a one-line error and exit code 2 for bad input.</summary>
public static class SessionAuditCli
{
    /// <summary>Exit code for a command line the program cannot act on (unknown verb, bad flag or value).</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"session-audit: {OneLine(parse.Errors[0].Message)} (see 'session-audit --help')");
            return UsageError;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"session-audit: {ex.Message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex)
        {
            // The last line of defence: one readable line, never a stack trace on the terminal.
            await stderr.WriteLineAsync($"session-audit: error: {ex.Message}");
            return 1;
        }
    }

    // Some parser messages list the allowed values on lines of their own; the contract is one line.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("SessionAudit Operator: declarative AWS Session Manager auditing and logging from Kubernetes.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CrdCommand.Create());
        root.Subcommands.Add(IamPolicyCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        return root;
    }
}

/// <summary>Bad input found after parsing (a file that does not exist, a value out of range): one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
