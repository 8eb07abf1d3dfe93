using System.Net;
using System.Text.Json;

namespace SessionAudit.Kubernetes.Api;

/// <summary>A non-success answer of the Kubernetes API, with the Status reason when the server sent one.</summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates the exception from a status code and the response body.</summary>
    public KubernetesApiException(HttpStatusCode statusCode, string method, string path, string? body)
        : base($"{method} {path} returned {(int)statusCode} {statusCode}: {Shorten(body)}")
    {
        StatusCode = statusCode;
        Reason = ReadReason(body);
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The `reason` of the metav1.Status body (Conflict, Expired, NotFound...), if any.</summary>
    public string? Reason { get; }

    /// <summary>True for 409 Conflict.</summary>
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    /// <summary>True for 404 Not Found.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>True for 410 Gone or a Status with reason Expired: the resourceVersion is too old.</summary>
    public bool IsExpired => StatusCode == HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    private static string? ReadReason(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string? body) => body is null ? "" : body.Length <= 300 ? body : body[..300];
}
