using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>A CRD version's openAPIV3Schema compiled for admission: validation, defaulting and pruning.</summary>
internal sealed partial class StructuralSchema
{
    private StructuralSchema(SchemaNode root) => Root = root;

    public SchemaNode Root { get; }

    public static StructuralSchema Compile(JsonObject openApiV3Schema) => new(SchemaNode.Compile(openApiV3Schema));
}
