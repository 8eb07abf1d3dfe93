using System.Net;

namespace SessionAudit.Aws.Transport;

/// <summary>An AWS error response read by a thin client, in any protocol: HTTP status, error code and message as AWS sent them.</summary>
public sealed class AwsServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AwsServiceException(string service, string operation, HttpStatusCode statusCode, string? code, string message, string? requestId)
        : base($"{service} {operation} failed ({(int)statusCode} {code}): {message}")
    {
        Service = service;
        Operation = operation;
        StatusCode = statusCode;
        Code = code;
        ErrorMessage = message;
        RequestId = requestId;
    }

    /// <summary>Signing name of the service.</summary>
    public string Service { get; }

    /// <summary>Operation name as in the model.</summary>
    public string Operation { get; }

    /// <summary>HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Error code ("ResourceNotFoundException", "NotFound"...), without namespace; null when the body carried none.</summary>
    public string? Code { get; }

    /// <summary>The message AWS sent.</summary>
    public string ErrorMessage { get; }

    /// <summary>x-amzn-RequestId / RequestId, when present.</summary>
    public string? RequestId { get; }
}
