using SessionAudit.Sandbox.Aws;
using SessionAudit.Sandbox.Kubernetes;

namespace SessionAudit.Operator.Sandbox;

/// <summary>How to start a <see cref="SandboxWorld"/>.</summary>
public sealed record SandboxWorldOptions
{
    /// <summary>Folder for the kubeconfigs and the kept AWS state; it is the caller's and stays. Null: a new private
    /// temporary folder, removed on dispose.</summary>
    public string? Directory { get; init; }

    /// <summary>The Kubernetes stand-in's settings (port, watch history, anonymous identity, ...); it listens on loopback whatever they say.</summary>
    public KubernetesSandboxOptions Kubernetes { get; init; } = new();

    /// <summary>The AWS stand-in's settings (port, seed file, random seed, ...); it listens on loopback whatever they say, and
    /// the operator's access key is added to its identities.</summary>
    public AwsSandboxOptions Aws { get; init; } = new();

    /// <summary>A world seed (YAML) applied at start, after <see cref="AwsSandboxOptions.SeedFile"/>.</summary>
    public string? Seed { get; init; }

    /// <summary>Keep the AWS state in the folder: saved on dispose and loaded at start, when the seeds are not applied again
    /// (the kept state already holds the seeded world; seeding it again would duplicate history).</summary>
    public bool KeepAwsState { get; init; }

    /// <summary>Install the SessionLoggingPolicy CRD at start and wait until it is served.</summary>
    public bool InstallCrd { get; init; }
}
