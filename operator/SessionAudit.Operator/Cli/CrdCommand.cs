using System.CommandLine;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit crd`: the CustomResourceDefinition, generated from the C# types (deploy/crd holds the same).</summary>
public static class CrdCommand
{
    public static Command Create()
    {
        var command = new Command("crd", "Print the SessionLoggingPolicy CustomResourceDefinition (kubectl apply -f - installs it).");
        var output = CliOptions.Output();
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            await OutputFile.WriteAsync(parse.GetValue(output), parse.InvocationConfiguration.Output, CrdGenerator.Generate(), ct);
            return 0;
        });
        return command;
    }
}
