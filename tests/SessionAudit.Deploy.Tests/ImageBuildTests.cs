using System.Text.RegularExpressions;
using System.Xml.Linq;
using SessionAudit.Deploy.Tests.Support;
using Xunit;

namespace SessionAudit.Deploy.Tests;

/// <summary>The Dockerfile's shape and its publish command (tests/SessionAudit.Image.Tests builds it with buildah and runs the image).</summary>
public sealed partial class ImageBuildTests
{
    private static readonly string Dockerfile = File.ReadAllText(RepoPaths.In("Dockerfile"));

    [Fact]
    public void Image_is_multi_stage_and_runs_the_operator_as_a_numeric_non_root_user()
    {
        var froms = Dockerfile.Split('\n').Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(froms.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:10.0", froms[0]);
        Assert.Matches("mcr.microsoft.com/dotnet/(aspnet|runtime-deps):10.0[-a-z]*chiseled", froms[^1]);

        var runtimeStage = Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        var user = UserLine().Match(runtimeStage);
        Assert.True(user.Success, "the runtime stage sets USER uid:gid numerically");
        Assert.NotEqual("0", user.Groups[1].Value);
        Assert.Contains("ENTRYPOINT [\"/app/session-audit\"]", runtimeStage);
        Assert.DoesNotContain("RUN ", runtimeStage); // nothing installed into the runtime image
    }

    [Fact]
    public void Image_user_matches_the_uid_the_manifests_run_as()
    {
        var uid = UserLine().Match(Dockerfile).Groups[1].Value;
        var deployment = Manifests.ParseFile(RepoPaths.In("deploy", "deployment.yaml")).Single("Deployment");
        Assert.Equal(uid, deployment.At("spec.template.spec.securityContext.runAsUser")!.ToString());
        var values = Manifests.ParseFile(RepoPaths.In("charts", "session-audit-operator", "values.yaml")).Single();
        Assert.Equal(uid, values.At("podSecurityContext.runAsUser")!.ToString());
    }

    [Fact]
    public void Install_doc_gives_the_publish_command_the_dockerfile_runs()
    {
        const string Publish = "dotnet publish operator/SessionAudit.Operator/SessionAudit.Operator.csproj -c Release --self-contained false -p:DebugType=None -p:DebugSymbols=false";
        var install = File.ReadAllText(RepoPaths.In("docs", "INSTALL.md"));
        Assert.Contains(Publish, Dockerfile);
        Assert.Contains(Publish, install);
    }

    [Fact]
    public void Docker_context_leaves_out_build_output_and_everything_but_the_operator()
    {
        var ignored = File.ReadAllLines(RepoPaths.In(".dockerignore")).Select(l => l.Trim()).ToHashSet();
        foreach (var entry in new[] { "**/bin/", "**/obj/", ".git/", "tests/", ".tools/" })
        {
            Assert.Contains(entry, ignored);
        }

        Assert.DoesNotContain("operator/", ignored);
        Assert.DoesNotContain("sandbox/", ignored);
    }

    [Fact]
    public void Build_stage_restores_and_copies_every_project_the_operator_references()
    {
        var projects = ReferencedProjects("operator/SessionAudit.Operator/SessionAudit.Operator.csproj");
        Assert.Contains("sandbox/SessionAudit.Sandbox.Kubernetes/SessionAudit.Sandbox.Kubernetes.csproj", projects); // for the sandbox verb
        Assert.Contains("sandbox/SessionAudit.Sandbox.Aws/SessionAudit.Sandbox.Aws.csproj", projects);

        var restore = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        var copies = Dockerfile.Split('\n').Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)).ToList();
        foreach (var project in projects)
        {
            var folder = project[..(project.LastIndexOf('/') + 1)];
            var copy = $"COPY {project} {folder}";
            Assert.Contains(copy, copies);
            Assert.True(Dockerfile.IndexOf(copy, StringComparison.Ordinal) < restore, $"{project} is copied before the restore");
            var top = folder[..(folder.IndexOf('/') + 1)];
            Assert.Contains($"COPY {top} {top}", copies); // the sources, after the restore
        }
    }

    // The project and every project it references, transitively, as paths relative to the repository root.
    private static SortedSet<string> ReferencedProjects(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var path = RepoPaths.In(next.Split('/'));
            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(RepoPaths.Root, full).Replace('\\', '/'));
            }
        }

        return found;
    }

    [GeneratedRegex(@"^USER\s+([0-9]+)(:[0-9]+)?\s*$", RegexOptions.Multiline)]
    private static partial Regex UserLine();
}
