using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using SessionAudit.Sandbox.Aws.Model;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>S3 buckets (one global namespace), default encryption and objects, answered in S3's own XML.</summary>
internal static class S3Service
{
    private const string Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public static void Register(HandlerTable t)
    {
        t.Add("s3", "CreateBucket", CreateBucket);
        t.Add("s3", "HeadBucket", HeadBucket);
        t.Add("s3", "DeleteBucket", DeleteBucket);
        t.Add("s3", "ListBuckets", ListBuckets);
        t.Add("s3", "GetBucketLocation", GetBucketLocation);
        t.Add("s3", "PutBucketEncryption", PutBucketEncryption);
        t.Add("s3", "GetBucketEncryption", GetBucketEncryption);
        t.Add("s3", "DeleteBucketEncryption", DeleteBucketEncryption);
        t.Add("s3", "PutObject", PutObject);
        t.Add("s3", "GetObject", GetObject);
        t.Add("s3", "HeadObject", GetObject);
        t.Add("s3", "DeleteObject", DeleteObject);
        t.Add("s3", "ListObjectsV2", ListObjectsV2);
    }

    private static ServiceModel Model(CallContext ctx) => ctx.Core.Models.Services["s3"];

    /// <summary>S3's naming rules (they are not in the model): 3-63 chars of a-z0-9.-, letter/digit at both ends, no "..", not an IP.</summary>
    public static bool ValidBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("..", StringComparison.Ordinal)
        && !IPAddress.TryParse(name, out _);

    private static AwsException NoSuchBucket(string name) =>
        new("NoSuchBucket", "The specified bucket does not exist", 404) { Extra = new Dictionary<string, string> { ["BucketName"] = name } };

    /// <summary>The caller's bucket, addressed in its own region. A bucket of another region answers 301 with its region in
    /// <c>x-amz-bucket-region</c> (HeadBucket: no body; others: a PermanentRedirect error naming the Endpoint and Bucket),
    /// as S3 does; GetBucketLocation answers from any region. <c>x-amz-expected-bucket-owner</c> naming another account
    /// is 403 AccessDenied (botocore s3 model, ExpectedBucketOwner); so is another account's bucket, as without a bucket
    /// policy in AWS.</summary>
    internal static Bucket Owned(CallContext ctx, JsonObject input, bool anyRegion = false)
    {
        string name = input.Req("Bucket");
        if (!ctx.World.Buckets.TryGetValue(name, out var b)) throw NoSuchBucket(name);
        if (!anyRegion && b.Region != ctx.Region)
        {
            throw new AwsException("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.", 301)
            {
                Extra = new Dictionary<string, string> { ["Endpoint"] = $"s3.{b.Region}.amazonaws.com", ["Bucket"] = name },
                Headers = [new("x-amz-bucket-region", b.Region)],
            };
        }

        if (b.Account != ctx.Account || (ctx.Header("x-amz-expected-bucket-owner") is { } expected && expected != b.Account))
        {
            throw new AwsException("AccessDenied", "Access Denied", 403);
        }

        return b;
    }

    private static WireResponse Xml(int status, Action<XmlWriter> write)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true })) write(w);
        return new WireResponse(status, "application/xml", Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + sb));
    }

    private static JsonObject? CreateBucket(CallContext ctx, JsonObject input)
    {
        string name = input.Req("Bucket");
        if (!ValidBucketName(name))
        {
            throw new AwsException("InvalidBucketName", "The specified bucket is not valid.") { Extra = new Dictionary<string, string> { ["BucketName"] = name } };
        }

        string? constraint = (input["CreateBucketConfiguration"] as JsonObject)?.Str("LocationConstraint");
        string region = constraint ?? "us-east-1";
        if (constraint == "us-east-1") throw new AwsException("InvalidLocationConstraint", "The specified location-constraint is not valid");
        if (region != ctx.Region)
        {
            throw new AwsException(
                "IllegalLocationConstraintException",
                constraint is null
                    ? "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
                    : $"The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to.");
        }

        if (ctx.World.Buckets.TryGetValue(name, out var existing))
        {
            throw existing.Account == ctx.Account
                ? new AwsException("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409) { Extra = new Dictionary<string, string> { ["BucketName"] = name } }
                : new AwsException("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", 409) { Extra = new Dictionary<string, string> { ["BucketName"] = name } };
        }

        ctx.World.Buckets[name] = new Bucket { Name = name, Account = ctx.Account, Region = region, CreationDate = ctx.Now };
        ctx.Raw = new WireResponse(200, null, []) { Headers = { new("Location", "/" + name) } };
        return null;
    }

    private static JsonObject? HeadBucket(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        ctx.Raw = new WireResponse(200, null, []) { Headers = { new("x-amz-bucket-region", b.Region) } };
        return null;
    }

    private static JsonObject? DeleteBucket(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        if (b.Objects.Count > 0) throw new AwsException("BucketNotEmpty", "The bucket you tried to delete is not empty", 409) { Extra = new Dictionary<string, string> { ["BucketName"] = b.Name } };
        ctx.World.Buckets.Remove(b.Name);
        ctx.Raw = WireResponse.Empty(204);
        return null;
    }

    private static JsonObject? ListBuckets(CallContext ctx, JsonObject input)
    {
        var mine = ctx.World.Buckets.Values.Where(b => b.Account == ctx.Account).ToList();
        ctx.Raw = Xml(200, w =>
        {
            w.WriteStartElement("ListAllMyBucketsResult", Ns);
            w.WriteStartElement("Owner");
            w.WriteElementString("ID", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ctx.Account))));
            w.WriteEndElement();
            w.WriteStartElement("Buckets");
            foreach (var b in mine)
            {
                w.WriteStartElement("Bucket");
                w.WriteElementString("Name", b.Name);
                w.WriteElementString("CreationDate", Timestamps.Iso(b.CreationDate));
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        });
        return null;
    }

    private static JsonObject? GetBucketLocation(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input, anyRegion: true);
        ctx.Raw = Xml(200, w =>
        {
            w.WriteStartElement("LocationConstraint", Ns);
            if (b.Region != "us-east-1") w.WriteString(b.Region);
            w.WriteEndElement();
        });
        return null;
    }

    private static JsonObject? PutBucketEncryption(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        var config = (JsonObject)input["ServerSideEncryptionConfiguration"]!;
        foreach (var rule in config.Objects("Rules"))
        {
            if (rule["ApplyServerSideEncryptionByDefault"] is JsonObject d && d.Str("KMSMasterKeyID") is not null && d.Str("SSEAlgorithm") == "AES256")
            {
                throw new AwsException("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse");
            }
        }

        b.Encryption = (JsonObject)config.DeepClone();
        return null;
    }

    private static JsonObject? GetBucketEncryption(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        if (b.Encryption is null)
        {
            throw new AwsException("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found", 404) { Extra = new Dictionary<string, string> { ["BucketName"] = b.Name } };
        }

        var shape = Model(ctx).Shapes["ServerSideEncryptionConfiguration"];
        ctx.Raw = Xml(200, w =>
        {
            w.WriteStartElement("ServerSideEncryptionConfiguration", Ns);
            XmlOutputWriter.WriteMembers(w, shape, b.Encryption, queryStyle: false);
            w.WriteEndElement();
        });
        return null;
    }

    private static JsonObject? DeleteBucketEncryption(CallContext ctx, JsonObject input)
    {
        Owned(ctx, input).Encryption = null;
        ctx.Raw = WireResponse.Empty(204);
        return null;
    }

    private static (string? Algorithm, string? KeyId) DefaultEncryption(Bucket b)
    {
        var d = b.Encryption?.Objects("Rules").FirstOrDefault()?["ApplyServerSideEncryptionByDefault"] as JsonObject;
        return (d?.Str("SSEAlgorithm"), d?.Str("KMSMasterKeyID"));
    }

    private static JsonObject? PutObject(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        string key = input.Req("Key");
        var (alg, kms) = DefaultEncryption(b);
        var obj = new S3Object
        {
            Key = key,
            Data = ctx.Body,
            ContentType = input.Str("ContentType") ?? "binary/octet-stream",
            ETag = "\"" + Convert.ToHexStringLower(MD5.HashData(ctx.Body)) + "\"",
            LastModified = ctx.Now,
            ServerSideEncryption = input.Str("ServerSideEncryption") ?? alg,
            KmsKeyId = input.Str("SSEKMSKeyId") ?? kms,
            ChecksumCrc32 = Crc32.Base64(ctx.Body),
        };
        if (input["Metadata"] is JsonObject meta)
        {
            foreach (var (k, v) in meta) obj.Metadata[k] = v?.GetValue<string>() ?? "";
        }

        b.Objects[key] = obj;
        var res = new WireResponse(200, null, []) { Headers = { new("ETag", obj.ETag) } };
        if (obj.ServerSideEncryption is { } sse) res.Headers.Add(new("x-amz-server-side-encryption", sse));
        if (obj.KmsKeyId is { } k2 && obj.ServerSideEncryption?.StartsWith("aws:kms", StringComparison.Ordinal) == true) res.Headers.Add(new("x-amz-server-side-encryption-aws-kms-key-id", k2));
        if (ctx.Header("x-amz-checksum-crc32") is not null || ctx.Header("x-amz-trailer") is not null || ctx.Header("x-amz-sdk-checksum-algorithm") is not null)
        {
            res.Headers.Add(new("x-amz-checksum-crc32", obj.ChecksumCrc32!));
        }

        ctx.Raw = res;
        return null;
    }

    private static JsonObject? GetObject(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        string key = input.Req("Key");
        if (!b.Objects.TryGetValue(key, out var obj))
        {
            throw new AwsException("NoSuchKey", "The specified key does not exist.", 404) { Extra = new Dictionary<string, string> { ["Key"] = key } };
        }

        var res = new WireResponse(200, obj.ContentType, ctx.IsHead ? [] : obj.Data)
        {
            Headers =
            {
                new("ETag", obj.ETag),
                new("Last-Modified", Timestamps.Rfc1123(obj.LastModified)),
                new("Accept-Ranges", "bytes"),
            },
        };
        if (ctx.IsHead) res.Headers.Add(new("Content-Length", obj.Data.Length.ToString(CultureInfo.InvariantCulture)));
        if (obj.ServerSideEncryption is { } sse) res.Headers.Add(new("x-amz-server-side-encryption", sse));
        foreach (var (k, v) in obj.Metadata) res.Headers.Add(new("x-amz-meta-" + k, v));
        ctx.Raw = res;
        return null;
    }

    private static JsonObject? DeleteObject(CallContext ctx, JsonObject input)
    {
        Owned(ctx, input).Objects.Remove(input.Req("Key"));
        ctx.Raw = WireResponse.Empty(204);
        return null;
    }

    private static JsonObject? ListObjectsV2(CallContext ctx, JsonObject input)
    {
        var b = Owned(ctx, input);
        string prefix = input.Str("Prefix") ?? "";
        string? delimiter = input.Str("Delimiter");
        int maxKeys = (int)Math.Clamp(input.Long("MaxKeys") ?? 1000, 0, 1000);
        string? token = input.Str("ContinuationToken");
        string? startAfter = input.Str("StartAfter");
        string after = token is not null ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : startAfter ?? "";

        var contents = new JsonArray();
        var prefixes = new List<string>();
        string? last = null;
        bool truncated = false;
        int count = 0;
        foreach (var (key, obj) in b.Objects)
        {
            if (string.CompareOrdinal(key, after) <= 0 || !key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string? common = null;
            if (delimiter is { Length: > 0 })
            {
                int i = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (i >= 0) common = key[..(i + delimiter.Length)];
            }

            if (common is not null && prefixes.Contains(common)) continue;
            if (count == maxKeys)
            {
                truncated = true;
                break;
            }

            count++;
            if (common is not null)
            {
                prefixes.Add(common);
                last = common + "\uffff";
            }
            else
            {
                contents.Add(new JsonObject
                {
                    ["Key"] = key,
                    ["LastModified"] = Json.Time(obj.LastModified),
                    ["ETag"] = obj.ETag,
                    ["Size"] = obj.Data.LongLength,
                    ["StorageClass"] = "STANDARD",
                });
                last = key;
            }
        }

        var output = new JsonObject
        {
            ["Name"] = b.Name,
            ["Prefix"] = prefix,
            ["Delimiter"] = delimiter,
            ["MaxKeys"] = maxKeys,
            ["KeyCount"] = count,
            ["IsTruncated"] = truncated,
            ["Contents"] = contents.Count > 0 ? contents : null,
            ["CommonPrefixes"] = prefixes.Count > 0 ? Json.Array(prefixes, p => new JsonObject { ["Prefix"] = p }) : null,
            ["ContinuationToken"] = token,
            ["NextContinuationToken"] = truncated && last is not null ? Convert.ToBase64String(Encoding.UTF8.GetBytes(last)) : null,
            ["StartAfter"] = startAfter,
        };
        var shape = Model(ctx).Shapes["ListObjectsV2Output"];
        ctx.Raw = Xml(200, w =>
        {
            w.WriteStartElement("ListBucketResult", Ns);
            XmlOutputWriter.WriteMembers(w, shape, output, queryStyle: false);
            w.WriteEndElement();
        });
        return null;
    }
}
