using System.Collections.Concurrent;

namespace SessionAudit.Sandbox.Aws.Model;

/// <summary>The botocore models of the services the sandbox serves, loaded once per data directory and shared.</summary>
internal sealed class ModelCatalog
{
    public const string DefaultDataDirectory = "/usr/lib/python3/dist-packages/botocore/data";

    /// <summary>The services the sandbox serves, by botocore directory name.</summary>
    public static readonly string[] ServiceNames = ["ssm", "s3", "kms", "logs", "events", "cloudtrail", "sns", "lambda", "codepipeline", "sts", "ec2", "iam"];

    /// <summary>Services whose model is loaded on their first request, not at start: the EC2 model alone is 2.7 MB of
    /// JSON (more than the others together) and IAM 0.6 MB, while the sandbox serves one operation of each.</summary>
    public static readonly string[] LazyServiceNames = ["ec2", "iam"];

    private readonly Dictionary<string, Lazy<ServiceModel>> lazy = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Lazy<ModelCatalog>> Cache = new(StringComparer.Ordinal);

    private ModelCatalog(string dir, Dictionary<string, ServiceModel> services)
    {
        Services = services;
        foreach (var name in LazyServiceNames)
        {
            lazy[name] = new Lazy<ServiceModel>(() => LoadOne(dir, name));
        }

        BySigningName = services.Values.GroupBy(s => s.SigningName).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ByTargetPrefix = services.Values.Where(s => s.TargetPrefix is not null).ToDictionary(s => s.TargetPrefix!, StringComparer.Ordinal);
    }

    public Dictionary<string, ServiceModel> Services { get; }
    public Dictionary<string, ServiceModel> BySigningName { get; }
    public Dictionary<string, ServiceModel> ByTargetPrefix { get; }

    /// <summary>The model of a service by its signing name (the SigV4 scope's service), loading a lazy one on first use.</summary>
    public ServiceModel? BySigningNameOrLazy(string signingName) =>
        BySigningName.GetValueOrDefault(signingName) ?? (lazy.TryGetValue(signingName, out var l) ? l.Value : null);

    /// <summary>True once a lazily loaded model has been loaded (for the start-up tests).</summary>
    public bool IsLoaded(string name) => Services.ContainsKey(name) || (lazy.TryGetValue(name, out var l) && l.IsValueCreated);

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
        var loaded = ServiceNames.Except(LazyServiceNames).AsParallel().Select(name => LoadOne(dir, name)).ToList();
        foreach (var m in loaded)
        {
            result[m.Name] = m;
        }

        return new ModelCatalog(dir, result);
    }

    private static ServiceModel LoadOne(string dir, string name)
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
    }
}
