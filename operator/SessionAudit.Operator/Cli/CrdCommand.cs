using System.CommandLine;
using SessionAudit.Policy.Crd;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit crd`: the CustomResourceDefinitions, generated from the C# types (deploy/crd holds the same).</summary>
public static class CrdCommand
{
    public static Command Create()
    {
        var command = new Command("crd", "Print the CustomResourceDefinitions, SessionLoggingPolicy and AwsAccount (kubectl apply -f - installs them).");
        var output = CliOptions.Output();
        var kind = new Option<string?>("--kind")
        {
            Description = "Print only this kind's CRD: " + string.Join(" or ", CrdGenerator.Kinds.Select(k => k.Kind)) + ".",
        };
        kind.AcceptOnlyFromAmong([.. CrdGenerator.Kinds.Select(k => k.Kind)]);
        command.Options.Add(output);
        command.Options.Add(kind);
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(kind) is { } name
                ? CrdGenerator.Generate(CrdGenerator.Kinds.First(k => k.Kind == name))
                : CrdGenerator.GenerateAll();
            await OutputFile.WriteAsync(parse.GetValue(output), parse.InvocationConfiguration.Output, text, ct);
            return 0;
        });
        return command;
    }
}
