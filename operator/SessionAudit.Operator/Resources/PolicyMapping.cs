using System.Text.Json;
using SessionAudit.Policy.Model;

namespace SessionAudit.Operator.Resources;

/// <summary>Translates between the wire object and the domain's policy record.</summary>
public static class PolicyMapping
{
    /// <summary>The domain view of <paramref name="resource"/>, or the reason it cannot be read.</summary>
    public static bool TryToDomain(SessionLoggingPolicyResource resource, out SessionLoggingPolicy? policy, out string? error) =>
        TryToDomain(resource, withStatus: true, out policy, out error);

    /// <summary>
    /// The domain view of <paramref name="resource"/>, with its status only when <paramref name="withStatus"/>: a view
    /// kept for every cached policy (the conflict check reads metadata and spec) need not hold ten conditions each.
    /// </summary>
    public static bool TryToDomain(SessionLoggingPolicyResource resource, bool withStatus, out SessionLoggingPolicy? policy, out string? error)
    {
        policy = null;
        error = null;
        var meta = Metadata(resource);
        if (resource.SpecJson is not { ValueKind: JsonValueKind.Object } spec)
        {
            error = "spec is missing or is not an object";
            return false;
        }

        try
        {
            var domainSpec = spec.Deserialize<SessionLoggingPolicySpec>(PolicyJson.Options);
            if (domainSpec is null)
            {
                error = "spec is empty";
                return false;
            }

            policy = new SessionLoggingPolicy(meta, domainSpec, withStatus ? ReadStatus(resource) : null);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            error = e is JsonException { Path: { } path } ? $"spec{path.TrimStart('$')}: {e.Message}" : e.Message;
            return false;
        }
    }

    /// <summary>The metadata the domain needs.</summary>
    public static PolicyMetadata Metadata(SessionLoggingPolicyResource resource)
    {
        var m = resource.Metadata;
        var created = m.CreationTimestamp is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
        return new PolicyMetadata(m.Name, m.Uid ?? "", m.Generation ?? 1, created, m.DeletionTimestamp is not null);
    }

    /// <summary>The status as the domain reads it; an unreadable status counts as none (it is ours and is rewritten).</summary>
    public static SessionLoggingPolicyStatus? ReadStatus(SessionLoggingPolicyResource resource)
    {
        if (resource.StatusJson is not { ValueKind: JsonValueKind.Object } status)
        {
            return null;
        }

        try
        {
            return status.Deserialize<SessionLoggingPolicyStatus>(PolicyJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The status as JSON for the wire.</summary>
    public static JsonElement WriteStatus(SessionLoggingPolicyStatus status) =>
        JsonSerializer.SerializeToElement(status, PolicyJson.Options);
}
