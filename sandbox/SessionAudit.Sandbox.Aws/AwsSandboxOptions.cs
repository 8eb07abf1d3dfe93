namespace SessionAudit.Sandbox.Aws;

/// <summary>How to start the AWS sandbox: where to listen, what world to load, which botocore models to hold requests to.</summary>
public sealed record AwsSandboxOptions
{
    /// <summary>TCP port; 0 picks a free one (read <see cref="AwsSandbox.Url"/>).</summary>
    public int Port { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>A world seed (YAML, see deploy/sandbox/seed-example.yaml) applied at start.</summary>
    public string? SeedFile { get; init; }

    /// <summary>The botocore data directory; default env SESSION_AUDIT_BOTOCORE_DATA or the Debian python3-botocore path.</summary>
    public string? BotocoreDataDirectory { get; init; }

    /// <summary>When set, state is loaded from this JSON file at start (if it exists) and saved to it on stop.</summary>
    public string? StateFile { get; init; }

    /// <summary>Access key id to account id (or to a full IAM ARN, which also names the caller); unknown keys map to 000000000000.</summary>
    public IReadOnlyDictionary<string, string> AccessKeyAccounts { get; init; } = new Dictionary<string, string>();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Seed for the fault dice and generated ids, for reproducible runs; null draws a random seed.</summary>
    public int? RandomSeed { get; init; }

    public const string DefaultAccount = "000000000000";
}
