using SessionAudit.Policy.Crd;
using SessionAudit.Policy.Model;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace SessionAudit.Policy.Tests.Crd;

/// <summary>Checks the generated CRD against the rules the API server applies to structural schemas.</summary>
public sealed class CrdStructureTests
{
    private static YamlMappingNode Root()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.Generate()));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => n is YamlSequenceNode seq ? seq[int.Parse(key)] : ((YamlMappingNode)n)[key]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void Names_scope_and_status_subresource_are_as_the_API_promises()
    {
        var root = Root();
        Assert.Equal("apiextensions.k8s.io/v1", Text(root, "apiVersion"));
        Assert.Equal("sessionloggingpolicies.sessionaudit.io", Text(root, "metadata", "name"));
        Assert.Equal("Cluster", Text(root, "spec", "scope"));
        Assert.Equal("slp", Text(root, "spec", "names", "shortNames", "0"));
        Assert.Equal("sessionaudit", Text(root, "spec", "names", "categories", "0"));
        Assert.Equal("v1alpha1", Text(root, "spec", "versions", "0", "name"));
        Assert.IsType<YamlMappingNode>(At(root, "spec", "versions", "0", "subresources", "status"));
        var columns = ((YamlSequenceNode)At(root, "spec", "versions", "0", "additionalPrinterColumns")).Select(c => Text(c, "name"));
        Assert.Equal(["Ready", "Reason", "Region", "Bucket", "LogGroup", "Age", "Account", "Mode", "Document", "Rule", "LastSync"], columns);
        var wide = ((YamlSequenceNode)At(root, "spec", "versions", "0", "additionalPrinterColumns")).Where(c => c is YamlMappingNode m && m.Children.ContainsKey("priority")).Select(c => Text(c, "name"));
        Assert.Equal(["Account", "Mode", "Document", "Rule", "LastSync"], wide);
    }

    [Fact]
    public void Descriptions_speak_to_users_not_of_internal_capability_numbers()
    {
        var text = File.ReadAllText(RepositoryFiles.PathOf(SessionAudit.Policy.Crd.CrdGenerator.RepositoryPath));
        Assert.DoesNotMatch(@"capabilit(y|ies) S[0-9]", text);
        // S1-S13 numbered the capabilities inside the project ("S3" alone is the service).
        Assert.DoesNotMatch(@"\bS([124-9]|1[0-3])\b", text);
    }

    [Fact]
    public void Conditions_are_a_map_list_keyed_by_type()
    {
        var conditions = At(Root(), "spec", "versions", "0", "schema", "openAPIV3Schema", "properties", "status", "properties", "conditions");
        Assert.Equal("map", Text(conditions, "x-kubernetes-list-type"));
        Assert.Equal("type", Text(conditions, "x-kubernetes-list-map-keys", "0"));
        Assert.Contains("type", ((YamlSequenceNode)At(conditions, "items", "required")).Select(n => ((YamlScalarNode)n).Value));
    }

    [Fact]
    public void Every_schema_node_has_a_type_and_every_field_a_description()
    {
        var schema = At(Root(), "spec", "versions", "0", "schema", "openAPIV3Schema");
        var problems = new List<string>();
        Walk(schema, "", problems);
        Assert.Empty(problems);
    }

    private static void Walk(YamlNode node, string path, List<string> problems)
    {
        var map = (YamlMappingNode)node;
        if (!map.Children.ContainsKey("type"))
        {
            problems.Add($"{path}: no type");
        }

        if (path.Length > 0 && !path.EndsWith("[]", StringComparison.Ordinal) && !path.EndsWith("{}", StringComparison.Ordinal) && path != ".metadata" && !map.Children.ContainsKey("description"))
        {
            problems.Add($"{path}: no description");
        }

        if (map.Children.TryGetValue("properties", out var props))
        {
            foreach (var (k, v) in ((YamlMappingNode)props).Children)
            {
                Walk(v, path + "." + ((YamlScalarNode)k).Value, problems);
            }
        }

        if (map.Children.TryGetValue("items", out var items))
        {
            Walk(items, path + "[]", problems);
        }

        if (map.Children.TryGetValue("additionalProperties", out var additional))
        {
            Walk(additional, path + "{}", problems);
        }

        // A default must satisfy its own schema: the API server rejects the CRD otherwise.
        if (map.Children.TryGetValue("default", out var def) && map.Children.TryGetValue("pattern", out var pattern))
        {
            Assert.Matches(((YamlScalarNode)pattern).Value!, ((YamlScalarNode)def).Value!);
        }
    }

    [Fact]
    public void Schema_defaults_equal_the_model_defaults()
    {
        var spec = new SessionLoggingPolicySpec();
        Assert.Equal(SessionLoggingPolicySpec.DefaultDocumentName, spec.DocumentName);
        Assert.Equal("5m", spec.DriftCheckInterval);
        Assert.Equal(PolicyMode.Enforce, spec.Mode);
        Assert.Equal(DeletionPolicy.Retain, spec.DeletionPolicy);
        Assert.Equal(20, new SessionSpec().IdleTimeoutMinutes);
        Assert.Equal(30, new ReportSpec().LookbackDays);
        Assert.Equal("1h", new ReportSpec().Interval);
        var schema = At(Root(), "spec", "versions", "0", "schema", "openAPIV3Schema", "properties", "spec", "properties");
        Assert.Equal("5m", Text(schema, "driftCheckInterval", "default"));
        Assert.Equal("20", Text(schema, "session", "properties", "idleTimeoutMinutes", "default"));
        Assert.Equal("30", Text(schema, "report", "properties", "lookbackDays", "default"));
        Assert.Equal(5, new ReportSpec().LogGraceMinutes);
        Assert.Equal("5", Text(schema, "report", "properties", "logGraceMinutes", "default"));
        Assert.Equal("1440", Text(schema, "report", "properties", "logGraceMinutes", "maximum"));
    }
}
