using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SessionAudit.Sandbox.Aws.Model;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>The one endpoint: picks service and protocol, applies faults, validates against the model, runs the handler, logs the call.</summary>
internal sealed class Dispatcher(SandboxCore core)
{
    private enum Protocol { Json, Query, RestXml, RestJson }

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var req = http.Request;
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await req.Body.CopyToAsync(ms, ct);
            body = ms.ToArray();
        }

        string requestId = core.Uuid();
        var now = core.Time.GetUtcNow();
        var scope = SigV4Scope.Parse(req.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, req.Query["X-Amz-Credential"].FirstOrDefault());
        string region = scope.Region ?? "us-east-1";
        var (account, arn, userId) = core.Identify(scope.AccessKeyId);
        string target = req.Headers["X-Amz-Target"].ToString();

        Protocol protocol;
        ServiceModel? service = null;
        if (target.Length > 0)
        {
            protocol = Protocol.Json;
        }
        else if (scope.Service is "sts" or "sns" or "iam" or "ec2" || (scope.Service is null && (req.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true || req.Query.ContainsKey("Action"))))
        {
            protocol = Protocol.Query;
        }
        else if (scope.Service == "lambda" || req.Path.StartsWithSegments("/2015-03-31", StringComparison.Ordinal))
        {
            protocol = Protocol.RestJson;
            service = core.Models.Services["lambda"];
        }
        else if (scope.Service is null or "s3")
        {
            protocol = Protocol.RestXml;
            service = core.Models.Services["s3"];
        }
        else
        {
            protocol = Protocol.Json;
        }

        string opName = "Unknown";
        WireResponse response;
        bool isHead = HttpMethods.IsHead(req.Method);
        try
        {
            Operation op;
            JsonObject input;
            Dictionary<string, string>? form = null;
            Dictionary<string, string> labels = [];
            byte[] payload = body;
            switch (protocol)
            {
                case Protocol.Json:
                    {
                        int dot = target.LastIndexOf('.');
                        string prefix = dot < 0 ? "" : target[..dot];
                        opName = dot < 0 ? target : target[(dot + 1)..];
                        if (!core.Models.ByTargetPrefix.TryGetValue(prefix, out service))
                        {
                            service = scope.Service is { } s ? core.Models.BySigningNameOrLazy(s) : null;
                            throw new AwsException("UnknownOperationException", $"Unknown operation {target}");
                        }

                        op = FindOperation(service, opName, "UnknownOperationException");
                        break;
                    }

                case Protocol.Query:
                    {
                        form = QueryWire.ParseForm(body, req.QueryString.Value?.TrimStart('?'));
                        opName = form.GetValueOrDefault("Action") ?? "Unknown";
                        service = scope.Service is { } s ? core.Models.BySigningNameOrLazy(s)
                            : core.Models.Services.Values.FirstOrDefault(m => m.Protocol == "query" && m.Operations.ContainsKey(opName));
                        if (service is null || !form.ContainsKey("Action"))
                        {
                            throw new AwsException("InvalidAction", $"Could not find operation {opName}");
                        }

                        op = FindOperation(service, opName, "InvalidAction");
                        break;
                    }

                default:
                    {
                        var segments = PathSegments(req);
                        var query = req.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
                        var router = protocol == Protocol.RestXml ? core.S3Router : core.LambdaRouter;
                        var match = router.Match(req.Method, segments, query, h => req.Headers.ContainsKey(h))
                            ?? throw (protocol == Protocol.RestXml
                                ? new AwsException("NotImplemented", "A header you provided implies functionality that is not implemented", 501)
                                : new AwsException("UnknownOperationException", $"No operation matches {req.Method} {req.Path}", 404));
                        op = match.Op;
                        opName = op.Name;
                        labels = match.Labels;
                        if (!core.Handlers.Has(service!.Name, opName))
                        {
                            throw protocol == Protocol.RestXml
                                ? new AwsException("NotImplemented", $"{opName} is not implemented by the sandbox", 501)
                                : new AwsException("UnknownOperationException", $"{opName} is not implemented by the sandbox", 404);
                        }

                        break;
                    }
            }

            await ApplyFaultsAsync(service!, protocol, opName, ct);
            if (!core.Quotas.TryTake(account, region, service!.Name, opName, core.Time.GetUtcNow()))
            {
                throw Throttled(protocol);
            }

            switch (protocol)
            {
                case Protocol.Json:
                    input = JsonWire.ParseBody(body);
                    if (op.Input is not null) RequestValidator.ValidateJson(op.Input, input);
                    else if (input.Count > 0) throw new AwsException("SerializationException", $"Unrecognized field \"{input.First().Key}\"");
                    break;
                case Protocol.Query:
                    {
                        var unknown = new List<string>();
                        bool ec2 = service!.Protocol == "ec2";
                        input = op.Input is null ? [] : QueryWire.ToInput(op.Input, form!, unknown, ec2);
                        string code = service.Name switch { "sns" => "InvalidParameterException", "ec2" => "InvalidParameterValue", _ => "ValidationError" };
                        if (unknown.Count > 0) throw new AwsException(ec2 ? "UnknownParameter" : code, ec2 ? $"The parameter {unknown[0]} is not recognized" : $"Unknown parameter: {unknown[0]}");
                        if (op.Input is not null)
                        {
                            var r = RequestValidator.Validate(op.Input, input, checkTypes: false);
                            if (!r.Ok) throw new AwsException(code, r.Structural.FirstOrDefault() ?? r.ConstraintMessage);
                        }

                        break;
                    }

                case Protocol.RestXml:
                    {
                        if (AwsChunked.IsChunked(req.Headers.ContentEncoding, req.Headers["x-amz-content-sha256"]))
                        {
                            var (data, trailers) = AwsChunked.Decode(body);
                            payload = data;
                            CheckCrc32(data, trailers.GetValueOrDefault("x-amz-checksum-crc32"));
                            if (req.Headers["x-amz-decoded-content-length"].ToString() is { Length: > 0 } dl && dl != data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
                            {
                                throw new AwsException("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header");
                            }
                        }

                        CheckCrc32(payload, req.Headers["x-amz-checksum-crc32"].ToString() is { Length: > 0 } c ? c : null);
                        if (req.Headers.ContentMD5.ToString() is { Length: > 0 } md5 && md5 != Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(payload)))
                        {
                            throw new AwsException("BadDigest", "The Content-MD5 you specified did not match what we received.");
                        }

                        var query = req.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
                        // Some operations have no input shape at all in the model (ListBuckets in Debian's botocore).
                        var inputShape = op.Input ?? new Shape { Name = "Empty", Type = "structure" };
                        input = RestWire.ToInput(inputShape, labels, query, h => req.Headers[h].ToString() is { Length: > 0 } v ? v : null, req.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())), payload, xmlBody: true);
                        var r = RequestValidator.Validate(inputShape, input, checkTypes: false);
                        if (!r.Ok)
                        {
                            bool inBody = inputShape.Payload is { } p && r.ConstraintMembers.Any(m => m.StartsWith(char.ToLowerInvariant(p[0]) + p[1..], StringComparison.Ordinal));
                            throw r.Structural.Count > 0 || inBody ? RestWire.Malformed() : new AwsException("InvalidArgument", r.ConstraintMessage);
                        }

                        break;
                    }

                default:
                    {
                        var query = req.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
                        input = RestWire.ToInput(op.Input ?? new Shape { Name = "Empty", Type = "structure" }, labels, query, h => req.Headers[h].ToString() is { Length: > 0 } v ? v : null, [], body, xmlBody: false);
                        if (op.Input is not null) RequestValidator.ValidateJson(op.Input, input);
                        break;
                    }
            }

            var handler = core.Handlers.Find(service!.Name, opName)
                ?? throw (protocol == Protocol.Query
                    ? new AwsException("InvalidAction", $"{opName} is not implemented by the sandbox")
                    : new AwsException("UnknownOperationException", $"{opName} is not implemented by the sandbox"));
            var ctx = new CallContext
            {
                Core = core,
                Account = account,
                Region = region,
                Service = service.Name,
                Operation = opName,
                RequestId = requestId,
                CallerArn = arn,
                UserId = userId,
                AccessKeyId = scope.AccessKeyId,
                UserAgent = req.Headers.UserAgent.ToString(),
                Now = now,
                Body = payload,
                Header = h => req.Headers[h].ToString() is { Length: > 0 } v ? v : null,
                IsHead = isHead,
            };
            JsonObject? output;
            lock (core.Gate)
            {
                SessionExpiry.Sweep(core, now);
                output = handler(ctx, input);
            }

            response = protocol switch
            {
                Protocol.Json => new WireResponse(200, "application/x-amz-json-1.1", JsonWire.Write(op.Output, output)) { Headers = { new("x-amzn-RequestId", requestId) } },
                Protocol.Query => QueryWire.Write(service, op, output, requestId),
                // A 204 (RemovePermission) carries no body: HTTP forbids one.
                Protocol.RestJson when op.ResponseCode == 204 => WireResponse.Empty(204),
                Protocol.RestJson => new WireResponse(op.ResponseCode, "application/json", JsonWire.Write(op.Output, output)) { Headers = { new("x-amzn-RequestId", requestId) } },
                _ => ctx.Raw ?? WireResponse.Empty(op.ResponseCode),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A sandbox bug must still answer in the protocol's error shape, with the cause readable in the message.
            var error = e as AwsException ?? new AwsException(protocol == Protocol.RestXml ? "InternalError" : "InternalFailure", $"sandbox failure: {e.GetType().Name}: {e.Message}", 500);
            response = protocol switch
            {
                Protocol.Json => JsonWire.Error(service, error, requestId, restJson: false),
                Protocol.RestJson => JsonWire.Error(service, error, requestId, restJson: true),
                Protocol.Query => QueryWire.Error(service, error, requestId),
                _ => RestWire.S3Error(error, requestId, isHead),
            };
        }

        core.Record(new AwsCallRecord(now, account, region, service?.Name ?? scope.Service ?? "unknown", opName, scope.AccessKeyId, arn, response.Status, response.ErrorCode, SandboxCore.IsWrite(opName)));
        var res = http.Response;
        res.StatusCode = response.Status;
        foreach (var (k, v) in response.Headers) res.Headers.Append(k, v);
        if (response.ContentType is not null) res.ContentType = response.ContentType;
        if (!isHead)
        {
            res.ContentLength = response.Body.Length;
            if (response.Body.Length > 0) await res.Body.WriteAsync(response.Body, ct);
        }
    }

    private static Operation FindOperation(ServiceModel service, string name, string code) =>
        service.Operations.TryGetValue(name, out var op) ? op
        : throw new AwsException(code, code == "InvalidAction" ? $"Could not find operation {name} for version {service.ApiVersion}" : $"Unknown operation {name}");

    private static void CheckCrc32(byte[] data, string? expected)
    {
        if (expected is not null && expected != Crc32.Base64(data))
        {
            throw new AwsException("BadDigest", "The CRC32 you specified did not match the calculated checksum.");
        }
    }

    /// <summary>Path segments (percent-decoded); a virtual-hosted bucket (bucket.localhost) becomes the first segment.</summary>
    private static string[] PathSegments(HttpRequest req)
    {
        string raw = req.Path.Value ?? "/";
        var segments = raw.TrimStart('/').Split('/').Select(Uri.UnescapeDataString).ToList();
        if (segments is [""]) segments.Clear();
        string host = req.Host.Host;
        if (host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) segments.Insert(0, host[..^".localhost".Length]);

        // "/bucket/" addresses the bucket, not an empty key.
        if (segments.Count == 2 && segments[1].Length == 0) segments.RemoveAt(1);
        return [.. segments];
    }

    private static AwsException Throttled(Protocol protocol) => protocol switch
    {
        Protocol.RestXml => new AwsException("SlowDown", "Please reduce your request rate.", 503),
        Protocol.Query => new AwsException("Throttling", "Rate exceeded"),
        Protocol.RestJson => new AwsException("TooManyRequestsException", "Rate exceeded", 429),
        _ => new AwsException("ThrottlingException", "Rate exceeded"),
    };

    private async Task ApplyFaultsAsync(ServiceModel service, Protocol protocol, string op, CancellationToken ct)
    {
        if (core.Faults.Get(service.Name, op) is not { } f) return;
        if (f.Latency > TimeSpan.Zero) await Task.Delay(f.Latency, core.Time, ct);
        if (f.ThrottleShare > 0 && core.Roll() < f.ThrottleShare)
        {
            throw Throttled(protocol);
        }

        if (f.ServerErrorShare > 0 && core.Roll() < f.ServerErrorShare)
        {
            throw protocol == Protocol.RestXml
                ? new AwsException("InternalError", "We encountered an internal error. Please try again.", 500)
                : new AwsException("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500);
        }
    }
}
