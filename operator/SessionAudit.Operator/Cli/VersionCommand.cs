using System.CommandLine;
using System.Reflection;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit version`: the build's informational version.</summary>
public static class VersionCommand
{
    public static string Current =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version of session-audit.");
        command.SetAction(async (parse, ct) =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync($"session-audit {Current}");
            return 0;
        });
        return command;
    }
}
