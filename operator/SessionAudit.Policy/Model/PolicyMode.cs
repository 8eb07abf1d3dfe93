using System.Text.Json.Serialization;

namespace SessionAudit.Policy.Model;

/// <summary>Whether the operator changes AWS (Enforce) or only reports differences (Observe).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PolicyMode>))]
public enum PolicyMode
{
    /// <summary>Drive AWS toward the spec.</summary>
    Enforce,
    /// <summary>Report differences in status; change nothing in AWS.</summary>
    Observe,
}

/// <summary>What deleting the policy does to AWS.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeletionPolicy>))]
public enum DeletionPolicy
{
    /// <summary>Keep everything in AWS.</summary>
    Retain,
    /// <summary>Remove the rule, its targets and the grants the operator created; restore the document's previous default version.</summary>
    Delete,
}
