using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;
using SessionAudit.Sandbox.Kubernetes.Admission.Re2;

namespace SessionAudit.Sandbox.Kubernetes.Admission;

/// <summary>
/// Evaluates x-kubernetes-validations rules with the Cel package (cel-spec core: macros, has(), size(),
/// matches, string functions, duration/timestamp). Kubernetes' extension libraries are only partly
/// provided (lowerAscii, upperAscii, trim); optional field syntax (self.?x) is not. Reading an absent field is the
/// error "no such key: x", as in Kubernetes, so rules must guard optional fields with has().
/// </summary>
internal static partial class CelRules
{
    private static readonly Lock CompileGate = new();
    private static readonly ConcurrentDictionary<string, Func<object?, object?, object?>> Compiled = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Re2Regex> Patterns = new(StringComparer.Ordinal);
    private static readonly CelEnvironment Environment = CreateEnvironment();

    /// <summary>The rule's outcome: true, false, or an evaluation error message.</summary>
    public static (bool Passed, string? Error) Evaluate(string rule, JsonNode? self, JsonNode? oldSelf)
    {
        Func<object?, object?, object?> program;
        try
        {
            program = Compiled.GetOrAdd(rule, Compile);
        }
        catch (Exception e)
        {
            return (false, $"compilation failed: {FirstLine(e.Message)}");
        }

        try
        {
            return program(ToCel(self), ToCel(oldSelf)) switch
            {
                true => (true, null),
                false => (false, null),

                // A rule that is just a field read (self.flag) of an absent field yields the package's marker value.
                var other when other?.GetType().Name == "CelNoSuchField" => (false, NoSuchKey(rule)),
                var other => (false, $"no such overload: rule evaluated to {other?.GetType().Name ?? "null"}, not bool"),
            };
        }
        catch (Exception e)
        {
            return (false, KubernetesError(FirstLine(e.Message), rule));
        }
    }

    /// <summary>
    /// Kubernetes CEL (cel-go) fails a rule that reads an absent field with "no such key: name"; the Cel package
    /// reports the same situation in its own words, which are translated here.
    /// </summary>
    private static string KubernetesError(string message, string rule)
    {
        if (NoSuchField().Match(message) is { Success: true } m)
        {
            return $"no such key: {m.Groups[1].Value}";
        }

        // Selecting below an absent field (self.missing.deeper): cel-go stops at the first absent key.
        if (NoSuchParent().Match(message) is { Success: true } p)
        {
            return $"no such key: {p.Groups[1].Value}";
        }

        return message.Contains("CelNoSuchField", StringComparison.Ordinal) ? NoSuchKey(rule) : message;
    }

    /// <summary>The field a bare read like self.x or !self.x names (the package's marker value does not carry it).</summary>
    private static string NoSuchKey(string rule) =>
        LastSelection().Match(rule) is { Success: true } m ? $"no such key: {m.Groups[1].Value}" : "no such key";

    [GeneratedRegex(@"^Cannot find overload to select field '([^']+)'")]
    private static partial Regex NoSuchField();

    [GeneratedRegex(@"^Type '(?:[^']*\.)?([^'.]+)' does not support field selection")]
    private static partial Regex NoSuchParent();

    [GeneratedRegex(@"\.([A-Za-z_][A-Za-z0-9_]*)\s*\)*\s*$")]
    private static partial Regex LastSelection();

    /// <summary>Evaluates a messageExpression; null when it fails or is not a string (the real server then falls back to message).</summary>
    public static string? Message(string expression, JsonNode? self, JsonNode? oldSelf)
    {
        try
        {
            return Compiled.GetOrAdd(expression, Compile)(ToCel(self), ToCel(oldSelf)) as string;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static Func<object?, object?, object?> Compile(string rule)
    {
        CelProgramDelegate compiled;
        lock (CompileGate)
        {
            compiled = Environment.Compile(rule);
        }

        return (self, oldSelf) => compiled.Invoke(new Dictionary<string, object?> { ["self"] = self, ["oldSelf"] = oldSelf });
    }

    private static CelEnvironment CreateEnvironment()
    {
        var env = new CelEnvironment(null, null);
        env.RegisterFunction("lowerAscii", [typeof(string)], a => ((string)a[0]!).ToLowerInvariant());
        env.RegisterFunction("upperAscii", [typeof(string)], a => ((string)a[0]!).ToUpperInvariant());
        env.RegisterFunction("trim", [typeof(string)], a => ((string)a[0]!).Trim());

        // CEL's matches() is RE2 in Kubernetes (cel-go): the same checker and semantics as schema patterns.
        env.RegisterFunction("matches", [typeof(string), typeof(string)], a => Re2Matches((string)a[0]!, (string)a[1]!));
        return env;
    }

    private static bool Re2Matches(string value, string pattern)
    {
        var regex = Patterns.GetOrAdd(pattern, Re2Regex.Compile);
        return regex.IsMatch(value) ?? throw new NotSupportedException($"the sandbox cannot evaluate matches('{pattern}'): {regex.Unsupported}");
    }

    /// <summary>JSON to the CEL runtime's values: int64, double, string, bool, null, lists and string-keyed maps.</summary>
    public static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            JsonValueKind.Number when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            JsonValueKind.Number => v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
