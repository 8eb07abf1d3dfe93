using System.Text.RegularExpressions;
using SessionAudit.Sandbox.Kubernetes.Api;
using SessionAudit.Sandbox.Kubernetes.Resources;

namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>Object name validation as apimachinery's validation package words it.</summary>
internal static partial class Names
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>Refuses an object name its resource does not allow: RBAC names are path segments, namespaces labels, the rest subdomains.</summary>
    public static void Validate(ResourceType type, string name)
    {
        if (name.Length == 0)
        {
            throw ApiException.Invalid(type.Kind, type.Group, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
        }

        var error = type.Group == "rbac.authorization.k8s.io" ? PathSegmentError(name)
            : type.Plural == "namespaces" ? LabelError(name)
            : SubdomainError(name);
        if (error is not null)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, [FieldError.Invalid("metadata.name", name, error)]);
        }
    }

    public static string? SubdomainError(string name) =>
        name.Length > 253 ? "must be no more than 253 characters" : Subdomain().IsMatch(name) ? null : SubdomainMessage;

    public static string? LabelError(string name) =>
        name.Length > 63 ? "must be no more than 63 characters" : Label().IsMatch(name) ? null : LabelMessage;

    /// <summary>Names that are only path segments (RBAC): no '/', '%', '.' or '..'.</summary>
    public static string? PathSegmentError(string name) =>
        name is "." or ".." ? $"may not be '{name}'" : name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal) ? "may not contain '/' or '%'" : null;

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
