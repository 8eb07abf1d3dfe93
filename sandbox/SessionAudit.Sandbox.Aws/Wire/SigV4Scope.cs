namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>The credential scope of a SigV4 request: who signed, for which region and service. Signatures are not checked.</summary>
internal readonly record struct SigV4Scope(string? AccessKeyId, string? Region, string? Service)
{
    public static SigV4Scope Parse(string? authorization, string? presignedCredential)
    {
        string? credential = presignedCredential;
        if (credential is null && authorization is not null)
        {
            // AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ssm/aws4_request, SignedHeaders=..., Signature=...
            int i = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            if (i >= 0)
            {
                int start = i + "Credential=".Length;
                int end = authorization.IndexOfAny([',', ' '], start);
                credential = end < 0 ? authorization[start..] : authorization[start..end];
            }
        }

        if (credential is null) return default;
        var parts = credential.Split('/');
        return parts.Length >= 5 ? new SigV4Scope(parts[0], parts[2], parts[3]) : new SigV4Scope(parts[0], null, null);
    }
}
