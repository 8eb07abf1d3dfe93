using System.Globalization;
using SessionAudit.Sandbox.Kubernetes.Api;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>A resourceVersion as clients send it (preconditions, watch starts): empty for none, otherwise a decimal number.</summary>
internal static class ResourceVersions
{
    public static long? Parse(string? rv)
    {
        if (string.IsNullOrEmpty(rv))
        {
            return null;
        }

        return long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw ApiException.BadRequest($"invalid resource version: {rv}");
    }
}
