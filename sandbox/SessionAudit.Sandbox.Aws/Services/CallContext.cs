using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>An operation handler: member-name JSON in, member-name JSON out (null for an empty answer).</summary>
internal delegate JsonObject? Handler(CallContext ctx, JsonObject input);

/// <summary>What a handler knows about the call it serves. Handlers run under the world lock.</summary>
internal sealed class CallContext
{
    public required SandboxCore Core { get; init; }
    public required string Account { get; init; }
    public required string Region { get; init; }
    public required string Service { get; init; }
    public required string Operation { get; init; }
    public required string RequestId { get; init; }
    public required string CallerArn { get; init; }
    public required string UserId { get; init; }
    public string? AccessKeyId { get; init; }
    public string? UserAgent { get; init; }
    public DateTimeOffset Now { get; init; }

    /// <summary>The raw (decoded) request body and headers, for S3.</summary>
    public byte[] Body { get; init; } = [];
    public Func<string, string?> Header { get; init; } = _ => null;
    public bool IsHead { get; init; }

    /// <summary>Set by REST handlers (S3) that write their own HTTP answer.</summary>
    public WireResponse? Raw { get; set; }

    public World World => Core.World;
    public RegionState State => Core.World.Region(Account, Region);

    /// <summary>The caller's short name as AWS uses it in session ids (user name or role session name).</summary>
    public string CallerName => CallerArn[(CallerArn.LastIndexOf('/') + 1)..];

    public string Arn(string service, string resource, bool regional = true) =>
        $"arn:aws:{service}:{(regional ? Region : "")}:{Account}:{resource}";
}

/// <summary>Handlers by service (botocore name) and operation.</summary>
internal sealed class HandlerTable
{
    private readonly Dictionary<(string, string), Handler> handlers = [];

    public void Add(string service, string operation, Handler handler) => handlers[(service, operation)] = handler;

    public Handler? Find(string service, string operation) => handlers.GetValueOrDefault((service, operation));

    public bool Has(string service, string operation) => handlers.ContainsKey((service, operation));
}
