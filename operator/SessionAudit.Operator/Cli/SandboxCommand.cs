using System.CommandLine;
using SessionAudit.Operator.Sandbox;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit sandbox`: a local Kubernetes API and local AWS APIs, with the operator running against them.</summary>
public static class SandboxCommand
{
    public static Command Create()
    {
        var command = new Command("sandbox", "Start a local Kubernetes API and local AWS APIs, install the CRD, apply the example policies and run the operator against them. Runs until interrupted.");
        var noOperator = new Option<bool>("--no-operator") { Description = "Serve the two sandboxes only: no CRD, no examples, no operator." };
        var k8sPort = new Option<int>("--k8s-port") { Description = "Port of the Kubernetes API (0: a free one).", DefaultValueFactory = _ => 0 };
        var awsPort = new Option<int>("--aws-port") { Description = "Port of the AWS APIs (0: a free one).", DefaultValueFactory = _ => 0 };
        var seed = new Option<FileInfo?>("--seed") { Description = "World seed YAML for the AWS sandbox. Default: the example seed that comes with the command (deploy/sandbox/seed-example.yaml)." };
        var examples = new Option<DirectoryInfo?>("--examples") { Description = "Folder of manifests to apply (Secrets, AwsAccounts, SessionLoggingPolicies). Default: the examples that come with the command (deploy/examples)." };
        var noExamples = new Option<bool>("--no-examples") { Description = "Install the CRD and run the operator, but apply no policies." };
        var stateDir = new Option<DirectoryInfo?>("--state-dir") { Description = "Folder for the kubeconfig (and the AWS state with --keep-state); created 0700, or used when it is yours, a real folder and writable by you alone. Default: a new private temporary folder." };
        var keepState = new Option<bool>("--keep-state") { Description = "Save the AWS sandbox's state in --state-dir on exit and load it on the next start." };
        foreach (var port in new[] { k8sPort, awsPort })
        {
            port.Validators.Add(r =>
            {
                // A value that is not a number is reported by the parser itself; reading it here would throw.
                if (r.Tokens.Count == 0 || !int.TryParse(r.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var v))
                {
                    return;
                }

                if (v is < 0 or > 65535)
                {
                    r.AddError($"{port.Name} must be a port number from 0 to 65535, not {v}");
                }
            });
        }

        foreach (var o in new Option[] { noOperator, k8sPort, awsPort, seed, examples, noExamples, stateDir, keepState })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            var seedFile = parse.GetValue(seed) is { } s
                ? (s.Exists ? s.FullName : throw new UsageException($"--seed: {s.FullName} does not exist"))
                : FindWorldFile("seed-example.yaml", Path.Combine("deploy", "sandbox", "seed-example.yaml"));
            var examplesDir = parse.GetValue(noExamples) ? null
                : parse.GetValue(examples) is { } e
                    ? (e.Exists ? e.FullName : throw new UsageException($"--examples: {e.FullName} does not exist"))
                    : FindWorldFile("examples", Path.Combine("deploy", "examples"));
            var dir = SandboxStateDirectory.Prepare(parse.GetValue(stateDir)?.FullName);
            var run = new SandboxRun(
                parse.InvocationConfiguration.Output,
                parse.GetValue(k8sPort),
                parse.GetValue(awsPort),
                seedFile,
                examplesDir,
                dir,
                parse.GetValue(keepState),
                RunOperator: !parse.GetValue(noOperator));
            return await run.ExecuteAsync(ct);
        });
        command.Subcommands.Add(CreateEnv());
        return command;
    }

    /// <summary>`session-audit sandbox env`: the env file of the running sandbox, for <c>eval "$(session-audit sandbox env)"</c>.</summary>
    private static Command CreateEnv()
    {
        var command = new Command("env", "Print the env file of the running sandbox (the newest, when several run), for: eval \"$(session-audit sandbox env)\".");
        command.SetAction(async (parse, ct) =>
        {
            if (RunningSandboxes.Newest() is not { } newest)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"session-audit sandbox env: no sandbox is running (none noted in {RunningSandboxes.Folder()}); start one with `session-audit sandbox`");
                return 1;
            }

            if (newest.Running > 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"# {newest.Running} sandboxes are running; this is the newest one's: {newest.EnvFile}");
            }

            await parse.InvocationConfiguration.Output.WriteAsync(await File.ReadAllTextAsync(newest.EnvFile, ct));
            return 0;
        });
        return command;
    }

    /// <summary>The example world: the copy that travels with the command (<c>sandbox-world/</c> beside the program, made
    /// by the build from deploy/), else the repository's file found by walking up from the program's folder. Not from
    /// the working directory: a user's own repository may well have a deploy/examples folder of other manifests.</summary>
    private static string? FindWorldFile(string bundled, string inRepository)
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "sandbox-world", bundled);
        if (File.Exists(copy) || Directory.Exists(copy))
        {
            return copy;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, inRepository);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
