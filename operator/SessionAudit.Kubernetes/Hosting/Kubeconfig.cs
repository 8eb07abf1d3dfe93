using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>
/// Reads a kubeconfig file into the official client's model with a deserializer of its own.
/// </summary>
/// <remarks>
/// <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c> goes through <c>KubernetesYaml</c>, whose static
/// initialiser reflects over every model type of the client (three times, for its two deserializers and its
/// serializer) to map JSON names to YAML: measured 7 MB of the client's assembly paged in, ~550 YAML methods
/// compiled and 3 MB of large-object heap, kept for the life of the process, to read a file of a few hundred
/// bytes. The kubeconfig model carries its own <c>YamlMember</c> names, so a plain deserializer reads it the same
/// way. Relative certificate and key paths stay relative to the file, as with the client's loader.
/// </remarks>
public static class Kubeconfig
{
    private static readonly Lazy<IDeserializer> Deserializer = new(() => new DeserializerBuilder()
        .IgnoreUnmatchedProperties()
        .Build());

    /// <summary>Reads <paramref name="path"/>; a missing or malformed file is a <see cref="KubeConfigException"/>.</summary>
    public static K8SConfiguration Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new KubeConfigException($"kubeconfig file not found at {file.FullName}");
        }

        K8SConfiguration? config;
        try
        {
            using var reader = file.OpenText();
            config = Deserializer.Value.Deserialize<K8SConfiguration>(reader);
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig file {file.FullName} is not valid: {e.Message}");
        }

        if (config is null)
        {
            throw new KubeConfigException($"kubeconfig file {file.FullName} is empty");
        }

        config.FileName = file.FullName;
        return config;
    }

    /// <summary>The client configuration for <paramref name="context"/> (or the current context) of the file.</summary>
    public static KubernetesClientConfiguration Build(string path, string? context) =>
        KubernetesClientConfiguration.BuildConfigFromConfigObject(Read(path), context);
}
