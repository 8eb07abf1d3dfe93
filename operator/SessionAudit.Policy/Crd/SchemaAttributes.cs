namespace SessionAudit.Policy.Crd;

/// <summary>A CEL rule (x-kubernetes-validations) on the schema node of the type or property it decorates.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression; <c>self</c> is the decorated node.</summary>
    public string Rule { get; } = rule;

    /// <summary>The message the API server returns when the rule fails.</summary>
    public string Message { get; } = message;

    /// <summary>Optional field path the error is reported on (fieldPath), relative to the node.</summary>
    public string? FieldPath { get; init; }
}

/// <summary>Restricts a string (or the items of a string list) to fixed values.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class AllowedValuesSchemaAttribute(params string[] values) : Attribute
{
    /// <summary>The allowed values.</summary>
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>A pattern every item of a string list must match.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ItemPatternAttribute(string pattern) : Attribute
{
    /// <summary>The ECMA-262 / .NET-compatible regular expression.</summary>
    public string Pattern { get; } = pattern;
}

/// <summary>Marks a list as x-kubernetes-list-type (set, atomic) or a map list keyed by <see cref="MapKeys"/>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ListTypeAttribute(string listType, params string[] mapKeys) : Attribute
{
    /// <summary>"set", "atomic" or "map".</summary>
    public string ListType { get; } = listType;

    /// <summary>x-kubernetes-list-map-keys when ListType is "map".</summary>
    public IReadOnlyList<string> MapKeys { get; } = mapKeys;
}

/// <summary>Schema format (for example "date-time").</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class FormatAttribute(string format) : Attribute
{
    /// <summary>The OpenAPI format.</summary>
    public string Format { get; } = format;
}

/// <summary>The node keeps fields the schema does not name (x-kubernetes-preserve-unknown-fields).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, Inherited = false)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;

/// <summary>Bounds of a map of string lists: most keys, values per key and characters per value (maxProperties, maxItems, maxLength).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MapBoundsAttribute(int maxProperties, int maxItems, int maxLength) : Attribute
{
    /// <summary>Most keys.</summary>
    public int MaxProperties { get; } = maxProperties;

    /// <summary>Most values per key.</summary>
    public int MaxItems { get; } = maxItems;

    /// <summary>Longest value.</summary>
    public int MaxLength { get; } = maxLength;
}
