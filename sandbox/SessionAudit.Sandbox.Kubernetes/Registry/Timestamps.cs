using System.Globalization;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>metav1.Time as the server writes it: UTC, whole seconds.</summary>
internal static class Timestamps
{
    public static string Now(TimeProvider time) => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
