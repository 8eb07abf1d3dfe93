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
            // "Unrecognized command or argument 'aply'" says more than "Required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var help = parse.CommandResult.Command == root ? "session-audit --help" : $"session-audit {parse.CommandResult.Command.Name} --help";
            var suggestion = DidYouMean(error.Message, parse.CommandResult.Command);
            var text = suggestion.Length == 0 ? OneLine(error.Message) : OneLine(error.Message).TrimEnd('.') + suggestion;
            await stderr.WriteLineAsync($"session-audit: {text} (see '{help}')");
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

    /// <summary>"; did you mean 'apply'?" when an unrecognized word is close to a verb or flag of <paramref name="command"/>.</summary>
    internal static string DidYouMean(string message, Command command)
    {
        var quoted = System.Text.RegularExpressions.Regex.Match(message, "^Unrecognized command or argument '(.+)'");
        if (!quoted.Success)
        {
            return "";
        }

        var word = quoted.Groups[1].Value;
        var candidates = word.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var best = candidates
            .Select(c => (Name: c, Distance: Distance(word, c)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(3, c.Name.Length / 3)))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $"; did you mean '{best.Name}'?";
    }

    // Optimal string alignment distance: a transposition ("aplpy") counts as one edit, as people mistype.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
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
