using System.Net;

namespace SessionAudit.Kubernetes.Api;

/// <summary>A non-success answer of the Kubernetes API.</summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates the exception from a status code and the response body.</summary>
    public KubernetesApiException(HttpStatusCode statusCode, string method, string path, string? body)
        : base($"{method} {path} returned {(int)statusCode} {statusCode}: {Shorten(body)}")
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>True for 409 Conflict.</summary>
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    /// <summary>True for 404 Not Found.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>True for 410 Gone: the resourceVersion is too old. The API server answers both of its reasons for that,
    /// Expired and Gone, with 410, and a watch's ERROR event with either reason is handled before it becomes an exception.</summary>
    public bool IsExpired => StatusCode == HttpStatusCode.Gone;

    private static string Shorten(string? body) => body is null ? "" : body.Length <= 300 ? body : body[..300];
}
