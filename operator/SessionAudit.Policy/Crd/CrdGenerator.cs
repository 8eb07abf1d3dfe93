using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using SessionAudit.Policy.Accounts;
using SessionAudit.Policy.Model;
using YamlDotNet.Serialization;

namespace SessionAudit.Policy.Crd;

/// <summary>One kind the operator defines: names, scope, the C# types its schema comes from, its printer columns.</summary>
/// <param name="Kind">Kind.</param>
/// <param name="Plural">Plural resource name.</param>
/// <param name="Singular">Singular resource name.</param>
/// <param name="ShortName">Short name for kubectl.</param>
/// <param name="Description">What an object of the kind is.</param>
/// <param name="SpecType">The spec's C# type.</param>
/// <param name="SpecDescription">The spec's description.</param>
/// <param name="StatusType">The status's C# type (with a status subresource); null for a kind without status.</param>
/// <param name="StatusDescription">The status's description.</param>
/// <param name="PrinterColumns">What kubectl get shows.</param>
public sealed record CrdKind(string Kind, string Plural, string Singular, string ShortName, string Description,
    Type SpecType, string SpecDescription, Type? StatusType, string? StatusDescription, IReadOnlyList<PrinterColumn> PrinterColumns)
{
    /// <summary>Name of the CRD (plural.group).</summary>
    public string CrdName => Plural + "." + SessionLoggingPolicy.Group;

    /// <summary>Repository path of the checked-in YAML.</summary>
    public string RepositoryPath => "deploy/crd/" + CrdName + ".yaml";
}

/// <summary>Generates the CustomResourceDefinitions (apiextensions.k8s.io/v1) of the operator's kinds from the C# model.</summary>
public static class CrdGenerator
{
    /// <summary>Name of the SessionLoggingPolicy CRD (plural.group).</summary>
    public const string CrdName = SessionLoggingPolicy.Plural + "." + SessionLoggingPolicy.Group;

    /// <summary>Repository path of the checked-in SessionLoggingPolicy YAML.</summary>
    public const string RepositoryPath = "deploy/crd/" + CrdName + ".yaml";

    /// <summary>The printer columns kubectl get shows for policies.</summary>
    public static IReadOnlyList<PrinterColumn> PrinterColumns { get; } =
    [
        new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", "Whether AWS matches the spec."),
        new("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", "Why the policy is or is not ready."),
        new("Region", "string", ".spec.region", "AWS region."),
        new("Bucket", "string", ".spec.s3.bucketName", "S3 bucket receiving session logs."),
        new("LogGroup", "string", ".spec.cloudWatch.logGroupName", "CloudWatch Logs log group receiving session logs."),
        new("Age", "date", ".metadata.creationTimestamp", "Time since creation."),
        // -o wide: what tells an Observe policy from an Enforce one, and where the operator writes.
        new("Account", "string", ".spec.accountRef.name", "The AwsAccount the policy acts in (empty: the operator's own account).", Priority: 1),
        new("Mode", "string", ".spec.mode", "Enforce changes AWS; Observe only reports.", Priority: 1),
        new("Document", "string", ".spec.documentName", "The Session document holding the preferences.", Priority: 1),
        new("Rule", "string", ".status.ruleArn", "The EventBridge rule of the alerts.", Priority: 1),
        new("LastSync", "date", ".status.lastSyncTime", "Time since AWS was last read.", Priority: 1),
    ];

    /// <summary>SessionLoggingPolicy.</summary>
    public static CrdKind Policy { get; } = new(SessionLoggingPolicy.KindName, SessionLoggingPolicy.Plural, SessionLoggingPolicy.Singular, SessionLoggingPolicy.ShortName,
        "SessionLoggingPolicy makes AWS Systems Manager Session Manager logging and auditing of one account and region declarative: preferences document, log destinations, KMS grants and session activity alerts.",
        typeof(SessionLoggingPolicySpec), "The desired Session Manager logging and auditing setup of one AWS account and region.",
        typeof(SessionLoggingPolicyStatus), "What the operator last saw and did.", PrinterColumns);

    /// <summary>AwsAccount.</summary>
    public static CrdKind Account { get; } = new(AwsAccount.KindName, AwsAccount.Plural, AwsAccount.Singular, AwsAccount.ShortName,
        "AwsAccount is owned by cluster admins: the AWS account (role) the operator acts in for the SessionLoggingPolicies that name it with spec.accountRef, and the guardrails those policies must stay within. Policy authors never name credentials.",
        typeof(AwsAccountSpec), "The role to assume and the guardrails of the policies using this account.", null, null,
        [
            new("Role", "string", ".spec.roleArn", "The role assumed (empty: the operator's own account)."),
            new("Default", "boolean", ".spec.default", "Whether policies without spec.accountRef use these guardrails."),
            new("Age", "date", ".metadata.creationTimestamp", "Time since creation."),
        ]);

    /// <summary>Every kind, in install order.</summary>
    public static IReadOnlyList<CrdKind> Kinds { get; } = [Policy, Account];

    /// <summary>The SessionLoggingPolicy CRD as an object tree (ordered maps, lists and scalars).</summary>
    public static Dictionary<string, object> Build() => Build(Policy);

    /// <summary>The CRD of <paramref name="kind"/> as an object tree (ordered maps, lists and scalars).</summary>
    public static Dictionary<string, object> Build(CrdKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var properties = new Dictionary<string, object>
        {
            ["apiVersion"] = new Dictionary<string, object> { ["description"] = "APIVersion defines the versioned schema of this representation of an object.", ["type"] = "string" },
            ["kind"] = new Dictionary<string, object> { ["description"] = "Kind is a string value representing the REST resource this object represents.", ["type"] = "string" },
            ["metadata"] = new Dictionary<string, object> { ["type"] = "object" },
            ["spec"] = Described(kind.SpecDescription, SchemaFor(kind.SpecType)),
        };
        if (kind.StatusType is { } statusType)
        {
            properties["status"] = Described(kind.StatusDescription ?? "", SchemaFor(statusType));
        }

        var root = new Dictionary<string, object>
        {
            ["description"] = kind.Description,
            ["type"] = "object",
            ["required"] = new List<object> { "spec" },
            ["properties"] = properties,
        };

        var version = new Dictionary<string, object>
        {
            ["name"] = SessionLoggingPolicy.Version,
            ["served"] = true,
            ["storage"] = true,
        };
        if (kind.StatusType is not null)
        {
            version["subresources"] = new Dictionary<string, object> { ["status"] = new Dictionary<string, object>() };
        }

        version["additionalPrinterColumns"] = kind.PrinterColumns.Select(Column).ToList<object>();
        version["schema"] = new Dictionary<string, object> { ["openAPIV3Schema"] = root };
        return new Dictionary<string, object>
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new Dictionary<string, object>
            {
                ["name"] = kind.CrdName,
                ["labels"] = new Dictionary<string, object> { ["app.kubernetes.io/name"] = "session-audit", ["app.kubernetes.io/part-of"] = "session-audit" },
            },
            ["spec"] = new Dictionary<string, object>
            {
                ["group"] = SessionLoggingPolicy.Group,
                ["names"] = new Dictionary<string, object>
                {
                    ["kind"] = kind.Kind,
                    ["listKind"] = kind.Kind + "List",
                    ["plural"] = kind.Plural,
                    ["singular"] = kind.Singular,
                    ["shortNames"] = new List<object> { kind.ShortName },
                    ["categories"] = new List<object> { SessionLoggingPolicy.Category },
                },
                ["scope"] = "Cluster",
                ["versions"] = new List<object> { version },
            },
        };
    }

    /// <summary>The SessionLoggingPolicy CRD as deterministic YAML.</summary>
    public static string Generate() => Generate(Policy);

    /// <summary>The CRD of <paramref name="kind"/> as deterministic YAML.</summary>
    public static string Generate(CrdKind kind)
    {
        var serializer = new SerializerBuilder()
            .WithQuotingNecessaryStrings()
            .WithIndentedSequences()
            .DisableAliases()
            .Build();
        var yaml = serializer.Serialize(Build(kind));
        return "# Generated by `session-audit crd` from SessionAudit.Policy; do not edit by hand.\n" + yaml.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Every CRD as one YAML stream (kubectl apply -f - installs them all).</summary>
    public static string GenerateAll() => string.Join("---\n", Kinds.Select(Generate));

    private static Dictionary<string, object> Described(string description, Dictionary<string, object> schema)
    {
        var ordered = new Dictionary<string, object> { ["description"] = description };
        foreach (var (k, v) in schema)
        {
            ordered[k] = v;
        }

        return ordered;
    }

    private static Dictionary<string, object> Column(PrinterColumn c)
    {
        var column = new Dictionary<string, object>
        {
            ["name"] = c.Name,
            ["type"] = c.Type,
            ["jsonPath"] = c.JsonPath,
            ["description"] = c.Description,
        };
        if (c.Priority != 0)
        {
            column["priority"] = c.Priority;
        }

        return column;
    }

    /// <summary>The properties of a model type in declaration order.</summary>
    internal static IEnumerable<PropertyInfo> SchemaProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"
                        && p.GetMethod?.IsStatic == false && p.DeclaringType == type && p.SetMethod is not null)
            .OrderBy(p => p.MetadataToken);

    /// <summary>The JSON name of a property.</summary>
    internal static string JsonName(PropertyInfo p) => JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    private static Dictionary<string, object> SchemaFor(Type type)
    {
        var properties = new Dictionary<string, object>();
        var required = new List<object>();
        foreach (var p in SchemaProperties(type))
        {
            properties[JsonName(p)] = PropertySchema(p);
            if (p.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(JsonName(p));
            }
        }

        var schema = new Dictionary<string, object> { ["type"] = "object" };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        schema["properties"] = properties;
        AddCel(schema, type.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    private static Dictionary<string, object> PropertySchema(PropertyInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
        var description = p.GetCustomAttribute<DescriptionAttribute>()?.Description
                          ?? throw new InvalidOperationException($"{p.DeclaringType?.Name}.{p.Name} has no [Description]");
        Dictionary<string, object> schema;
        if (ListItemType(type) is { } item)
        {
            var items = ValueSchema(item);
            if (p.GetCustomAttribute<ItemPatternAttribute>() is { } ip)
            {
                items["pattern"] = ip.Pattern;
            }

            if (p.GetCustomAttribute<AllowedValuesSchemaAttribute>() is { } av)
            {
                items["enum"] = av.Values.ToList<object>();
            }

            schema = new Dictionary<string, object> { ["type"] = "array", ["items"] = items };
            if (p.GetCustomAttribute<MinLengthAttribute>() is { } min)
            {
                schema["minItems"] = min.Length;
            }

            if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max)
            {
                schema["maxItems"] = max.Length;
            }

            if (p.GetCustomAttribute<ListTypeAttribute>() is { } lt)
            {
                schema["x-kubernetes-list-type"] = lt.ListType;
                if (lt.MapKeys.Count > 0)
                {
                    schema["x-kubernetes-list-map-keys"] = lt.MapKeys.ToList<object>();
                }
            }
        }
        else
        {
            schema = ValueSchema(type);
            if (p.GetCustomAttribute<RegularExpressionAttribute>() is { } re)
            {
                schema["pattern"] = re.Pattern;
            }

            if (p.GetCustomAttribute<MinLengthAttribute>() is { } min)
            {
                schema["minLength"] = min.Length;
            }

            if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max)
            {
                schema["maxLength"] = max.Length;
            }

            if (p.GetCustomAttribute<AllowedValuesSchemaAttribute>() is { } av)
            {
                schema["enum"] = av.Values.ToList<object>();
            }

            if (p.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                schema["minimum"] = Convert.ToInt64(range.Minimum, CultureInfo.InvariantCulture);
                var maximum = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                if (maximum < int.MaxValue)
                {
                    schema["maximum"] = (long)maximum;
                }
            }

            if (p.GetCustomAttribute<FormatAttribute>() is { } f)
            {
                schema["format"] = f.Format;
            }
        }

        if (p.GetCustomAttribute<MapBoundsAttribute>() is { } mb && schema["additionalProperties"] is Dictionary<string, object> values)
        {
            schema["maxProperties"] = mb.MaxProperties;
            values["maxItems"] = mb.MaxItems;
            if (values["items"] is Dictionary<string, object> value)
            {
                value["maxLength"] = mb.MaxLength;
            }
        }

        if (p.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } dv })
        {
            schema["default"] = dv;
        }

        var ordered = Described(description, schema);
        AddCel(ordered, p.GetCustomAttributes<CelRuleAttribute>());
        return ordered;
    }

    private static Dictionary<string, object> ValueSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new() { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new() { ["type"] = "boolean" };
        }

        if (type == typeof(int))
        {
            return new() { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new() { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new() { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsEnum)
        {
            return new() { ["type"] = "string", ["enum"] = Enum.GetNames(type).ToList<object>() };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return new() { ["type"] = "object", ["additionalProperties"] = ValueSchema(type.GetGenericArguments()[1]) };
        }

        if (ListItemType(type) is { } item)
        {
            return new() { ["type"] = "array", ["items"] = ValueSchema(item) };
        }

        if (type.IsClass && (type.Namespace == typeof(SessionLoggingPolicySpec).Namespace || type.Namespace == typeof(AwsAccountSpec).Namespace))
        {
            return SchemaFor(type);
        }

        throw new InvalidOperationException($"no schema mapping for {type}");
    }

    /// <summary>The item type when <paramref name="type"/> is a list; null otherwise.</summary>
    internal static Type? ListItemType(Type type) =>
        type != typeof(string) && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            ? type.GetGenericArguments()[0]
            : null;

    private static void AddCel(Dictionary<string, object> schema, IEnumerable<CelRuleAttribute> rules)
    {
        var list = new List<object>();
        foreach (var r in rules)
        {
            var rule = new Dictionary<string, object> { ["rule"] = r.Rule, ["message"] = r.Message };
            if (r.FieldPath is { } fp)
            {
                rule["fieldPath"] = fp;
            }

            list.Add(rule);
        }

        if (list.Count > 0)
        {
            schema["x-kubernetes-validations"] = list;
        }
    }

}
