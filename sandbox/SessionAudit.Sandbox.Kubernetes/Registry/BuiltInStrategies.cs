using System.Text;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>Defaults and side rules the built-in kinds' strategies apply on every write.</summary>
internal sealed class BuiltInStrategies(TimeProvider time)
{
    private int _serviceIp = 10;

    public void Apply(ResourceType type, JsonObject obj, JsonObject? old)
    {
        switch (type.Key)
        {
            case "coordination.k8s.io/leases":
                // metav1.MicroTime decodes with Go's time.Parse and the layout RFC3339Micro, so exactly six fraction
                // digits are required; anything else fails decoding, before admission, as a 400.
                foreach (var field in new[] { "acquireTime", "renewTime" })
                {
                    if (Json.At(obj, "spec." + field) is JsonValue v && v.TryGetValue<string>(out var text) && MicroTime.ParseError(text) is { } error)
                    {
                        throw ApiException.BadRequest($"Lease in version \"v1\" cannot be handled as a Lease: {error}");
                    }
                }

                break;
            case "/namespaces":
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] = new JsonObject { ["phase"] = Json.At(obj, "metadata.deletionTimestamp") is null ? "Active" : "Terminating" };
                break;
            case "/secrets":
                if (obj["stringData"] is JsonObject sd)
                {
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    foreach (var (k, v) in sd)
                    {
                        data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
                    }

                    obj["data"] = data;
                    obj.Remove("stringData");
                }

                obj["type"] ??= "Opaque";
                break;
            case "/services":
                var spec = obj["spec"] as JsonObject ?? new JsonObject();
                obj["spec"] = spec;
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if (spec["clusterIP"] is null && Json.Str(spec["type"]) != "ExternalName")
                {
                    var oldIp = Json.Str(Json.At(old, "spec.clusterIP"));
                    var ip = oldIp ?? $"10.96.{Interlocked.Increment(ref _serviceIp) / 250}.{_serviceIp % 250 + 1}";
                    spec["clusterIP"] = ip;
                    spec["clusterIPs"] = new JsonArray(ip);
                }

                foreach (var port in spec["ports"] as JsonArray ?? [])
                {
                    if (port is JsonObject po)
                    {
                        po["protocol"] ??= "TCP";
                        po["targetPort"] ??= po["port"]?.DeepClone();
                    }
                }

                break;
            case "apps/deployments":
                if (obj["spec"] is JsonObject ds)
                {
                    ds["replicas"] ??= 1;
                }

                break;
            case "apiextensions.k8s.io/customresourcedefinitions":
                CustomResourceDefinitionStrategy.Apply(type, obj, time);
                break;
        }
    }
}
