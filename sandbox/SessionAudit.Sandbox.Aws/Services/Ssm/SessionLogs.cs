using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>What the SSM Agent does with a session's transcript: at start it reads the session preferences and checks the
/// encryption they require (agent/session/shell/shell.go, <c>validate</c>); at the end it uploads the log to S3 and
/// CloudWatch Logs (shell.go, <c>finishLogging</c>). See docs/SANDBOX-AWS.md, "Session logs".</summary>
internal static class SessionLogs
{
    private const string PreferencesDocumentName = "SSM-SessionManagerRunShell";

    /// <summary>Records the preferences as they are when the session starts, and whether the agent's start-time
    /// encryption checks refuse it.</summary>
    public static void Started(CallContext ctx, SsmSession session)
    {
        var own = TryDocument(ctx, session.DocumentName ?? PreferencesDocumentName);
        session.SessionType = own?.Content?["sessionType"] is JsonValue st && st.GetValueKind() == JsonValueKind.String ? st.GetValue<string>() : null;

        // A customer Standard_Stream document carries its own preferences; other sessions use the account's
        // SSM-SessionManagerRunShell (the Session Manager preferences document).
        var prefs = own is { BuiltIn: false } && session.SessionType == "Standard_Stream" && own.Value.Content?["inputs"] is JsonObject
            ? own
            : TryDocument(ctx, PreferencesDocumentName) is { BuiltIn: false } runShell ? runShell : null;
        if (prefs?.Content?["inputs"] is not JsonObject inputs) return;
        session.PreferencesDocument = $"{prefs.Value.Name}:{prefs.Value.Version.ToString(CultureInfo.InvariantCulture)}";
        session.Preferences = inputs.ToJsonString();
        session.LoggingRefused = Refusal(ctx, inputs);
    }

    /// <summary>Uploads the transcript once the session has ended, by the preferences recorded at its start.</summary>
    public static void Ended(CallContext ctx, SsmSession session)
    {
        if (session.LogsDelivered) return;
        session.LogsDelivered = true;

        // Port sessions (port forwarding, SSH) are not logged: the data is a byte stream the agent does not record.
        if (session.SessionType == "Port" || session.Preferences is null || session.LoggingRefused is not null) return;
        var inputs = (JsonObject)JsonNode.Parse(session.Preferences)!;
        var end = session.EndDate ?? ctx.Now;
        ctx.State.Instances.TryGetValue(session.Target, out var instance);
        var transcript = Transcript(ctx, session, inputs, end);

        if (Text(inputs, "s3BucketName") is { Length: > 0 } bucketName) UploadToS3(ctx, session, instance, bucketName, Text(inputs, "s3KeyPrefix") ?? "", transcript, end);
        if (Text(inputs, "cloudWatchLogGroupName") is { Length: > 0 } groupName)
        {
            StreamToCloudWatch(ctx, session, groupName, Flag(inputs, "cloudWatchStreamingEnabled"), RunAsUser(inputs), transcript, end);
        }
    }

    /// <summary>The agent's <c>validate</c>: with cloudWatchEncryptionEnabled the log group must have a KMS key
    /// (IsLogGroupEncryptedWithKMS; a group that does not exist is not encrypted), with s3EncryptionEnabled the bucket's
    /// default encryption must be aws:kms or AES256 (s3util IsBucketEncrypted; no configuration is an error). Either
    /// failure fails the session, so nothing is logged at all.</summary>
    private static string? Refusal(CallContext ctx, JsonObject inputs)
    {
        if (Text(inputs, "cloudWatchLogGroupName") is { Length: > 0 } group && Flag(inputs, "cloudWatchEncryptionEnabled")
            && !(ctx.State.LogGroups.TryGetValue(group, out var g) && g.KmsKeyId is not null))
        {
            return "The CloudWatch log group specified in session preferences is not encrypted.";
        }

        if (Text(inputs, "s3BucketName") is { Length: > 0 } bucketName && Flag(inputs, "s3EncryptionEnabled")
            && !(ctx.World.Buckets.TryGetValue(bucketName, out var b) && b.Account == ctx.Account && DefaultEncryption(b).Algorithm is "aws:kms" or "AES256"))
        {
            return "The S3 bucket specified in session preferences is not encrypted.";
        }

        return null;
    }

    /// <summary>PutObject of <c>path.Join(s3KeyPrefix, sessionId + ".log")</c> with the instance role's credentials: the
    /// bucket must exist in the instance's account (no bucket policies are modelled); with SSE-KMS default encryption S3
    /// calls kms:GenerateDataKey for the caller, which a customer managed key allows the role only through a grant.</summary>
    private static void UploadToS3(CallContext ctx, SsmSession session, ManagedInstance? instance, string bucketName, string prefix, string transcript, DateTimeOffset end)
    {
        if (!ctx.World.Buckets.TryGetValue(bucketName, out var bucket) || bucket.Account != ctx.Account) return;
        var (algorithm, keyId) = DefaultEncryption(bucket);
        string? kmsKeyArn = null;
        if (algorithm is "aws:kms" or "aws:kms:dsse")
        {
            KmsKey key;
            try { key = KmsService.Resolve(In(ctx, bucket.Account, bucket.Region), keyId ?? "alias/aws/s3"); }
            catch (AwsException) { return; }
            if (key.KeyState != "Enabled" || key.KeyUsage != "ENCRYPT_DECRYPT") return;
            if (key.KeyManager != "AWS" && !HasGrant(key, instance?.IamRole, "GenerateDataKey")) return;
            kmsKeyArn = key.Arn;
        }

        var data = Encoding.UTF8.GetBytes(transcript);
        string objectKey = GoPathJoin(prefix, session.SessionId.Replace(":", "", StringComparison.Ordinal) + ".log");
        bucket.Objects[objectKey] = new S3Object
        {
            Key = objectKey,
            Data = data,
            ContentType = "text/plain",
            ETag = "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"",
            LastModified = end,
            ServerSideEncryption = algorithm,
            KmsKeyId = kmsKeyArn,
            ChecksumCrc32 = Crc32.Base64(data),
        };
    }

    /// <summary>A grant to the role (or to one of its sessions) that allows the operation.</summary>
    private static bool HasGrant(KmsKey key, string? roleArn, string operation)
    {
        if (roleArn is null) return false;
        string? sessionPrefix = roleArn.Split(':') is { Length: 6 } p && p[5].StartsWith("role/", StringComparison.Ordinal)
            ? $"arn:aws:sts::{p[4]}:assumed-role/{p[5][(p[5].LastIndexOf('/') + 1)..]}/" : null;
        return key.Grants.Any(g => g.Operations.Contains(operation, StringComparer.Ordinal)
            && (g.GranteePrincipal == roleArn || (sessionPrefix is not null && g.GranteePrincipal.StartsWith(sessionPrefix, StringComparison.Ordinal))));
    }

    /// <summary>CreateLogStream (named the session id) and PutLogEvents in the instance's region: the group must exist, and
    /// a group whose KMS key is not enabled takes no events.</summary>
    private static void StreamToCloudWatch(CallContext ctx, SsmSession session, string groupName, bool streaming, string runAsUser, string transcript, DateTimeOffset end)
    {
        if (!ctx.State.LogGroups.TryGetValue(groupName, out var group)) return;
        if (group.KmsKeyId is not null)
        {
            try
            {
                if (KmsService.Resolve(ctx, group.KmsKeyId).KeyState != "Enabled") return;
            }
            catch (AwsException) { return; }
        }

        if (!group.Streams.TryGetValue(session.SessionId, out var stream))
        {
            group.Streams[session.SessionId] = stream = new LogStream { Name = session.SessionId, CreationTime = session.StartDate };
        }

        long at = end.ToUnixTimeMilliseconds();
        var lines = transcript.TrimEnd('\n').Split('\n');
        if (streaming)
        {
            // Streaming sends structured events (cloudwatchlogsservice.go, buildEventInfo / CloudWatchMessage).
            var message = new JsonObject
            {
                ["eventVersion"] = "1.0",
                ["eventTime"] = end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["awsRegion"] = ctx.Region,
                ["target"] = new JsonObject { ["id"] = session.Target },
                ["userIdentity"] = new JsonObject { ["arn"] = session.Owner },
                ["runAsUser"] = runAsUser,
                ["sessionId"] = session.SessionId,
                ["sessionData"] = Json.Array(lines),
            };
            stream.Events.Add(new LogEvent { Timestamp = at, Message = message.ToJsonString(), IngestionTime = at });
        }
        else
        {
            stream.Events.Add(new LogEvent { Timestamp = at, Message = string.Join('\n', lines), IngestionTime = at });
        }
    }

    private static string Transcript(CallContext ctx, SsmSession s, JsonObject inputs, DateTimeOffset end)
    {
        string started = s.StartDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string ended = end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string user = RunAsUser(inputs);
        return $"""
            Script started on {started} [session {s.SessionId} target {s.Target} owner {s.Owner} region {ctx.Region}]
            sh-5.2$ whoami
            {user}
            sh-5.2$ exit
            Script done on {ended}

            """.ReplaceLineEndings("\n");
    }

    private static string RunAsUser(JsonObject inputs) =>
        Flag(inputs, "runAsEnabled") && Text(inputs, "runAsDefaultUser") is { Length: > 0 } u ? u : "ssm-user";

    private static (string? Algorithm, string? KeyId) DefaultEncryption(Bucket b)
    {
        var d = b.Encryption?.Objects("Rules").FirstOrDefault()?["ApplyServerSideEncryptionByDefault"] as JsonObject;
        return (d?.Str("SSEAlgorithm"), d?.Str("KMSMasterKeyID"));
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A preference flag as the agent reads it (parameters.ConvertToBool): a JSON boolean or the text "true".</summary>
    private static bool Flag(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => bool.TryParse(v.GetValue<string>(), out bool b) && b,
        _ => false,
    };

    private readonly record struct DocumentAtStart(string Name, int Version, bool BuiltIn, JsonNode? Content);

    private static DocumentAtStart? TryDocument(CallContext ctx, string name)
    {
        try
        {
            var (doc, builtIn) = SsmService.Find(ctx, name);
            if (doc.DocumentType != "Session") return null;
            var v = doc.Versions.FirstOrDefault(x => x.Version == doc.DefaultVersion) ?? doc.Latest;
            return new DocumentAtStart(doc.Name, v.Version, builtIn, SsmService.ParseContent(v.Content, v.DocumentFormat ?? doc.DocumentFormat, doc.DocumentType));
        }
        catch (AwsException)
        {
            return null;
        }
    }

    private static CallContext In(CallContext ctx, string account, string region) => new()
    {
        Core = ctx.Core,
        Account = account,
        Region = region,
        Service = ctx.Service,
        Operation = ctx.Operation,
        RequestId = ctx.RequestId,
        CallerArn = ctx.CallerArn,
        UserId = ctx.UserId,
        Now = ctx.Now,
    };

    /// <summary>Go's <c>path.Join(root, element)</c> as the agent's fileutil.BuildS3Path uses it: empty parts are
    /// ignored, parts are joined with one slash, and the result is cleaned (repeated slashes, "." and ".." resolved).</summary>
    internal static string GoPathJoin(string root, string element)
    {
        if (root.Length == 0 && element.Length == 0) return "";
        string joined = root.Length == 0 ? element : element.Length == 0 ? root : root + "/" + element;
        bool rooted = joined.StartsWith('/');
        var parts = new List<string>();
        foreach (string seg in joined.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }

            parts.Add(seg);
        }

        string cleaned = (rooted ? "/" : "") + string.Join('/', parts);
        return cleaned.Length == 0 ? "." : cleaned;
    }
}
