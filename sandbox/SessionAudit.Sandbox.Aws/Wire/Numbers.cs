using System.Globalization;
using System.Text.Json.Nodes;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>Reads a JSON number whatever CLR type backs the node (GetValue&lt;double&gt; refuses an int-backed value).</summary>
internal static class Numbers
{
    public static double ToDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
