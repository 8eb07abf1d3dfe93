using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SessionAudit.Aws.Configuration;
using SessionAudit.Reporting.Ports;
using ReportState = SessionAudit.Reporting.Ports.SessionState;

namespace SessionAudit.Aws.Adapters;

/// <summary>Session history and managed nodes for the report: DescribeSessions and DescribeInstanceInformation, page by page.</summary>
/// <remarks>Delivery checks: ListObjectsV2 by prefix (1,000 keys a page) in the bucket's region, DescribeLogStreams by
/// stream-name prefix (50 a page), GetBucketEncryption through the policy's bucket adapter; every page through the
/// runner.</remarks>
internal sealed class SessionActivityAdapter(AwsClients clients, S3BucketRegions? buckets = null) : ISessionActivitySource
{
    // DescribeSessions allows at most 200 per page; DescribeInstanceInformation at most 50; ListObjectsV2 1,000;
    // DescribeLogStreams 50 (botocore logs DescribeLimit).
    private const int SessionPageSize = 200;
    private const int InstancePageSize = 50;
    private const int ObjectPageSize = 1000;
    private const int StreamPageSize = 50;

    // EC2 filter values and DescribeInstanceInformation's InstanceIds filter, per call.
    private const int RoleBatchSize = 50;

    private readonly S3BucketRegions regions = buckets ?? new S3BucketRegions(_ => clients);
    // Instance profile -> its role (null: a profile without a role), as read; one adapter serves concurrent reports of
    // every policy of its scope. A failed read is not kept: the next report asks again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> profileRoles = new(StringComparer.Ordinal);
    private readonly CallerIdentityAdapter identity = new(clients);

    public async IAsyncEnumerable<SessionRecord> GetSessionsAsync(ReportState state, DateTimeOffset invokedAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = new SessionFilter
        {
            Key = SessionFilterKey.InvokedAfter,
            Value = invokedAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        string? token = null;
        do
        {
            var request = new DescribeSessionsRequest
            {
                State = state == ReportState.Active ? Amazon.SimpleSystemsManagement.SessionState.Active : Amazon.SimpleSystemsManagement.SessionState.History,
                Filters = [filter],
                MaxResults = SessionPageSize,
                NextToken = token,
            };
            var page = await clients.RunAsync(AwsService.Ssm, "DescribeSessions",
                ct => clients.Ssm.DescribeSessionsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var s in page.Sessions ?? [])
            {
                yield return new SessionRecord
                {
                    SessionId = s.SessionId,
                    Target = s.Target,
                    Status = s.Status?.Value ?? "Unknown",
                    StartDate = Utc(s.StartDate),
                    EndDate = Utc(s.EndDate),
                    DocumentName = s.DocumentName,
                    Owner = s.Owner,
                    Reason = s.Reason,
                    MaxSessionDuration = s.MaxSessionDuration,
                    AccessType = s.AccessType?.Value,
                };
            }
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
    }

    public async IAsyncEnumerable<ManagedInstance> GetInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeInstanceInformationRequest { MaxResults = InstancePageSize, NextToken = token };
            var page = await clients.RunAsync(AwsService.Ssm, "DescribeInstanceInformation",
                ct => clients.Ssm.DescribeInstanceInformationAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var i in page.InstanceInformationList ?? [])
            {
                yield return new ManagedInstance
                {
                    InstanceId = i.InstanceId,
                    PlatformType = i.PlatformType?.Value,
                    PlatformName = i.PlatformName,
                    PlatformVersion = i.PlatformVersion,
                    AgentVersion = i.AgentVersion,
                    PingStatus = i.PingStatus?.Value,
                    ComputerName = i.ComputerName,
                };
            }
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : null;

    public async Task<SessionDocumentType> GetSessionTypeAsync(string documentName, CancellationToken cancellationToken)
    {
        try
        {
            var document = await clients.RunAsync(AwsService.Ssm, "GetDocument",
                ct => clients.Ssm.GetDocumentAsync(new GetDocumentRequest { Name = documentName, DocumentFormat = DocumentFormat.JSON }, ct), cancellationToken).ConfigureAwait(false);
            var root = System.Text.Json.Nodes.JsonNode.Parse(document.Content ?? "") as System.Text.Json.Nodes.JsonObject;
            return root?["sessionType"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var type)
                ? new SessionDocumentType(type) { Destinations = Destinations(root["inputs"] as System.Text.Json.Nodes.JsonObject) }
                : SessionDocumentType.Unreadable($"document {documentName} has no sessionType (type {document.DocumentType?.Value ?? "unknown"})");
        }
        catch (Policy.Ports.AwsFailure f) when (f.Code == "InvalidDocument")
        {
            return SessionDocumentType.NotFound($"{f.Code}: {f.Message}");
        }
        catch (Policy.Ports.AwsFailure f)
        {
            return SessionDocumentType.Unreadable($"{f.Code ?? f.Kind.ToString()}: {f.Message}");
        }
        catch (System.Text.Json.JsonException e)
        {
            return SessionDocumentType.Unreadable($"document {documentName} is not JSON: {e.Message}");
        }
    }

    // The same read gives the destinations: inputs.s3BucketName, s3KeyPrefix, s3EncryptionEnabled, cloudWatchLogGroupName.
    // s3EncryptionEnabled may be a JSON boolean or a string ("true"), as the console and CLI write either.
    private static LogDestinations Destinations(System.Text.Json.Nodes.JsonObject? inputs)
    {
        static string? Text(System.Text.Json.Nodes.JsonNode? node) =>
            node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        static bool Flag(System.Text.Json.Nodes.JsonNode? node) =>
            node is System.Text.Json.Nodes.JsonValue v && (v.TryGetValue<bool>(out var b) ? b : v.TryGetValue<string>(out var s) && bool.TryParse(s, out var p) && p);
        return new LogDestinations(Text(inputs?["s3BucketName"]), Text(inputs?["s3KeyPrefix"]), Flag(inputs?["s3EncryptionEnabled"]), Text(inputs?["cloudWatchLogGroupName"]));
    }

    public async Task<LogListing> ListLogObjectsAsync(string bucket, string keyPrefix, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        try
        {
            do
            {
                var request = new Amazon.S3.Model.ListObjectsV2Request
                {
                    BucketName = bucket,
                    Prefix = string.IsNullOrEmpty(keyPrefix) ? null : keyPrefix,
                    MaxKeys = ObjectPageSize,
                    ContinuationToken = token,
                };
                var page = await regions.RunAsync(clients, bucket, "ListObjectsV2",
                    (c, ct) => c.S3.ListObjectsV2Async(request, ct), cancellationToken).ConfigureAwait(false);
                if (page.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return LogListing.NotFound($"NoSuchBucket: {bucket}");
                }

                foreach (var o in page.S3Objects ?? [])
                {
                    keys.Add(o.Key);
                }

                var next = page.IsTruncated == true ? page.NextContinuationToken : null;
                token = string.IsNullOrEmpty(next) || next == token ? null : next;
            }
            while (token is not null);
            return new LogListing(keys);
        }
        catch (Policy.Ports.AwsFailure f) when (f.Kind == Policy.Ports.AwsFailureKind.NotFound)
        {
            return LogListing.NotFound($"{f.Code ?? "NotFound"}: {f.Message}");
        }
        catch (Policy.Ports.AwsFailure f)
        {
            return LogListing.Unreadable($"{f.Code ?? f.Kind.ToString()}: {f.Message}");
        }
    }

    public async Task<LogListing> ListLogStreamsAsync(string logGroupName, string streamNamePrefix, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        try
        {
            do
            {
                var request = new Services.Logs.DescribeLogStreamsRequest
                {
                    LogGroupName = logGroupName,
                    LogStreamNamePrefix = string.IsNullOrEmpty(streamNamePrefix) ? null : streamNamePrefix,
                    Limit = StreamPageSize,
                    NextToken = token,
                };
                var page = await clients.RunAsync(AwsService.Logs, "DescribeLogStreams",
                    ct => clients.Logs.DescribeLogStreamsAsync(request, ct), cancellationToken).ConfigureAwait(false);
                foreach (var s in page.LogStreams ?? [])
                {
                    if (s.LogStreamName is { } name)
                    {
                        names.Add(name);
                    }
                }

                token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
            }
            while (token is not null);
            return new LogListing(names);
        }
        catch (Policy.Ports.AwsFailure f) when (f.Kind == Policy.Ports.AwsFailureKind.NotFound)
        {
            return LogListing.NotFound($"{f.Code ?? "NotFound"}: {f.Message}");
        }
        catch (Policy.Ports.AwsFailure f)
        {
            return LogListing.Unreadable($"{f.Code ?? f.Kind.ToString()}: {f.Message}");
        }
    }

    public async Task<bool?> IsBucketEncryptedAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var info = await new S3BucketAdapter(clients, regions).DescribeAsync(bucket, null, cancellationToken).ConfigureAwait(false);
            return info?.DefaultEncryption;
        }
        catch (Policy.Ports.AwsFailure)
        {
            return null;
        }
    }

    public async Task<BucketEncryption> GetBucketEncryptionAsync(string bucket, CancellationToken cancellationToken)
    {
        Policy.Ports.BucketInfo? info;
        try
        {
            info = await new S3BucketAdapter(clients, regions).DescribeAsync(bucket, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Policy.Ports.AwsFailure)
        {
            return new BucketEncryption(null);
        }

        // SSE-KMS without a key id is aws/s3, which needs no grant; a key id, alias or ARN is described to tell.
        if (info is not { DefaultEncryption: true, KmsKeyId: { Length: > 0 } keyId } || info.SseAlgorithm?.StartsWith("aws:kms", StringComparison.Ordinal) != true)
        {
            return new BucketEncryption(info?.DefaultEncryption);
        }

        try
        {
            // In the bucket's region: an alias or bare key id names a key of that region (another region may hold a
            // different key of the same alias).
            var there = info.Region is { Length: > 0 } region ? regions.ClientsIn(clients, region) : clients;
            var key = await new KmsKeyAdapter(there).DescribeAsync(keyId, cancellationToken).ConfigureAwait(false);
            return new BucketEncryption(true, key is { KeyManager: Policy.Ports.KmsKeyManager.Customer } ? key.Arn : null);
        }
        catch (Policy.Ports.AwsFailure)
        {
            return new BucketEncryption(true);
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> GetInstanceRolesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        var hybrid = instanceIds.Where(i => i.StartsWith("mi-", StringComparison.Ordinal)).ToList();
        var ec2 = instanceIds.Where(i => i.StartsWith("i-", StringComparison.Ordinal)).ToList();
        foreach (var batch in hybrid.Chunk(RoleBatchSize))
        {
            await HybridRolesAsync(batch, roles, cancellationToken).ConfigureAwait(false);
        }

        foreach (var batch in ec2.Chunk(RoleBatchSize))
        {
            await Ec2RolesAsync(batch, roles, cancellationToken).ConfigureAwait(false);
        }

        return roles;
    }

    // DescribeInstanceInformation's IamRole is the role's name, and only for hybrid nodes (botocore ssm model).
    private async Task HybridRolesAsync(string[] batch, Dictionary<string, string> roles, CancellationToken cancellationToken)
    {
        try
        {
            string? token = null;
            var found = new List<(string Id, string Role)>();
            do
            {
                var request = new DescribeInstanceInformationRequest
                {
                    Filters = [new InstanceInformationStringFilter { Key = "InstanceIds", Values = [.. batch] }],
                    MaxResults = InstancePageSize,
                    NextToken = token,
                };
                var page = await clients.RunAsync(AwsService.Ssm, "DescribeInstanceInformation",
                    ct => clients.Ssm.DescribeInstanceInformationAsync(request, ct), cancellationToken).ConfigureAwait(false);
                found.AddRange((page.InstanceInformationList ?? []).Where(i => !string.IsNullOrEmpty(i.IamRole)).Select(i => (i.InstanceId, i.IamRole)));
                token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
            }
            while (token is not null);
            if (found.Count == 0)
            {
                return;
            }

            var account = await identity.GetAccountIdAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (id, role) in found)
            {
                roles[id] = role.StartsWith("arn:", StringComparison.Ordinal) ? role : $"arn:{Policy.Model.Arn.PartitionOf(clients.Scope.Region)}:iam::{account}:role/{role}";
            }
        }
        catch (Policy.Ports.AwsFailure)
        {
            // No role known: the note names no fix.
        }
    }

    // EC2 gives the instance profile; IAM GetInstanceProfile its role, once per profile.
    private async Task Ec2RolesAsync(string[] batch, Dictionary<string, string> roles, CancellationToken cancellationToken)
    {
        var profiles = new List<(string Id, string ProfileArn)>();
        try
        {
            string? token = null;
            do
            {
                var page = await clients.RunAsync(AwsService.Ec2, "DescribeIamInstanceProfileAssociations",
                    ct => clients.Ec2.DescribeIamInstanceProfileAssociationsAsync(batch, token, ct), cancellationToken).ConfigureAwait(false);
                profiles.AddRange(page.Associations.Select(a => (a.InstanceId, a.InstanceProfileArn)));
                token = page.NextToken is { } next && next != token ? next : null;
            }
            while (token is not null);
        }
        catch (Policy.Ports.AwsFailure)
        {
            return;
        }

        foreach (var (id, profileArn) in profiles)
        {
            if (!profileRoles.TryGetValue(profileArn, out var role))
            {
                var name = profileArn[(profileArn.LastIndexOf('/') + 1)..];
                try
                {
                    var found = await clients.RunAsync(AwsService.Iam, "GetInstanceProfile",
                        ct => clients.Iam.GetInstanceProfileRolesAsync(name, ct), cancellationToken).ConfigureAwait(false);
                    role = found.Count > 0 ? found[0] : null;
                    profileRoles[profileArn] = role;
                }
                catch (Policy.Ports.AwsFailure)
                {
                    role = null;
                }
            }

            if (role is not null)
            {
                roles[id] = role;
            }
        }
    }
}
