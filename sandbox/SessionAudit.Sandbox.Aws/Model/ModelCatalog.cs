using System.Collections.Concurrent;

namespace SessionAudit.Sandbox.Aws.Model;

/// <summary>The botocore models of the services the sandbox serves, loaded once per data directory and shared.</summary>
internal sealed class ModelCatalog
{
    public const string DefaultDataDirectory = "/usr/lib/python3/dist-packages/botocore/data";

    /// <summary>The services the sandbox serves, by botocore directory name.</summary>
    public static readonly string[] ServiceNames = ["ssm", "s3", "kms", "logs", "events", "cloudtrail", "sns", "lambda", "codepipeline", "sts"];

    private static readonly ConcurrentDictionary<string, Lazy<ModelCatalog>> Cache = new(StringComparer.Ordinal);

    private ModelCatalog(Dictionary<string, ServiceModel> services)
    {
        Services = services;
        BySigningName = services.Values.GroupBy(s => s.SigningName).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ByTargetPrefix = services.Values.Where(s => s.TargetPrefix is not null).ToDictionary(s => s.TargetPrefix!, StringComparer.Ordinal);
    }

    public Dictionary<string, ServiceModel> Services { get; }
    public Dictionary<string, ServiceModel> BySigningName { get; }
    public Dictionary<string, ServiceModel> ByTargetPrefix { get; }

    public static ModelCatalog Get(string? directory)
    {
        string dir = Path.GetFullPath(directory ?? Environment.GetEnvironmentVariable("SESSION_AUDIT_BOTOCORE_DATA") ?? DefaultDataDirectory);
        return Cache.GetOrAdd(dir, d => new Lazy<ModelCatalog>(() => Load(d))).Value;
    }

    private static ModelCatalog Load(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"botocore data directory '{dir}' does not exist (install python3-botocore or set BotocoreDataDirectory)");
        }

        var result = new Dictionary<string, ServiceModel>(StringComparer.Ordinal);
        var loaded = ServiceNames.AsParallel().Select(name =>
        {
            // The newest API version wins: events and lambda ship an older one next to it.
            string? versionDir = Directory.Exists(Path.Combine(dir, name))
                ? Directory.GetDirectories(Path.Combine(dir, name)).Where(d => File.Exists(Path.Combine(d, "service-2.json"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
                : null;
            if (versionDir is null)
            {
                throw new FileNotFoundException($"no botocore model for '{name}' under '{dir}'");
            }

            return ServiceModel.Load(name, Path.Combine(versionDir, "service-2.json"));
        }).ToList();
        foreach (var m in loaded)
        {
            result[m.Name] = m;
        }

        return new ModelCatalog(result);
    }
}
