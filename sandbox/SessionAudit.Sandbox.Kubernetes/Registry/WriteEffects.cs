using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Kubernetes.Resources;
using SessionAudit.Sandbox.Kubernetes.Serialization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>
/// What a stored write sets off: a CustomResourceDefinition serves or stops serving its resource, a deleted namespace
/// takes its content, and owners noted on write take their dependents when they go.
/// </summary>
internal sealed class WriteEffects(ResourceRegistry registry, NamespaceLifecycle namespaces)
{
    private readonly GarbageCollector _collector = new();

    public void AfterWrite(ResourceType type, JsonObject obj)
    {
        _collector.Note(obj);
        if (type.Key == "apiextensions.k8s.io/customresourcedefinitions")
        {
            registry.Define(obj);
        }
    }

    public void AfterDelete(ResourceService service, ResourceType type, JsonObject obj)
    {
        switch (type.Key)
        {
            case "apiextensions.k8s.io/customresourcedefinitions":
                registry.Undefine(Json.Str(Json.At(obj, "spec.group")) ?? "", Json.Str(Json.At(obj, "spec.names.plural")) ?? "");
                break;
            case "/namespaces":
                namespaces.DeleteContent(service, Json.Str(Json.At(obj, "metadata.name")) ?? "");
                break;
        }

        _collector.Collect(service, Json.Str(Json.At(obj, "metadata.uid")) ?? "");
    }
}
