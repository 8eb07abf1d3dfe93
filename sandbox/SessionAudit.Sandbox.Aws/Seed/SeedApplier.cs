using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.Services;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SessionAudit.Sandbox.Aws.Seed;

/// <summary>Adds a seed's world to the sandbox; dates are relative to the sandbox clock's "now".</summary>
internal static class SeedApplier
{
    public static WorldSeed Parse(string yaml) =>
        new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<WorldSeed>(yaml) ?? new WorldSeed();

    public static void Apply(SandboxCore core, string yaml)
    {
        var seed = Parse(yaml);
        var now = core.Time.GetUtcNow();
        lock (core.Gate)
        {
            foreach (var (k, v) in seed.AccessKeys)
            {
                core.AccessKeys[k] = v;
                core.World.AccessKeys[k] = v;
            }

            foreach (var account in seed.Accounts)
            {
                if (account.Id.Length != 12 || !account.Id.All(char.IsAsciiDigit)) throw new InvalidOperationException($"seed: account id '{account.Id}' must be 12 digits");
                foreach (var role in account.Roles)
                {
                    core.World.RoleTrust[$"arn:aws:iam::{account.Id}:role/{role.Name}"] = role.TrustPolicy;
                }

                foreach (var region in account.Regions)
                {
                    var ctx = new CallContext
                    {
                        Core = core,
                        Account = account.Id,
                        Region = region.Name,
                        Service = "seed",
                        Operation = "Seed",
                        RequestId = "seed",
                        CallerArn = $"arn:aws:iam::{account.Id}:root",
                        UserId = account.Id,
                        Now = now,
                    };
                    ApplyRegion(ctx, region);
                }
            }
        }
    }

    private static void ApplyRegion(CallContext ctx, RegionSeed r)
    {
        var state = ctx.State;
        foreach (var k in r.Keys)
        {
            var key = KmsService.NewKey(ctx, state, k.KeyManager, k.Description, k.Id);
            key.KeyState = k.State;
            key.KeySpec = k.KeySpec;
            key.KeyUsage = KeyTypes.CheckUsage(k.KeySpec, k.KeyUsage);
            if (k.State == "PendingDeletion")
            {
                key.PendingWindowInDays = 30;
                key.DeletionDate = ctx.Now.AddDays(30);
            }

            if (k.Alias is { } alias) state.Aliases[alias.StartsWith("alias/", StringComparison.Ordinal) ? alias : "alias/" + alias] = key.KeyId;
        }

        foreach (var b in r.Buckets)
        {
            if (!S3Service.ValidBucketName(b.Name)) throw new InvalidOperationException($"seed: bucket name '{b.Name}' is not valid");
            var bucket = new Bucket { Name = b.Name, Account = ctx.Account, Region = ctx.Region, CreationDate = ctx.Now.AddDays(-90) };
            if (b.Encryption is "AES256" or "aws:kms" or "aws:kms:dsse")
            {
                var byDefault = new JsonObject { ["SSEAlgorithm"] = b.Encryption };
                if (b.KmsKey is { } kk) byDefault["KMSMasterKeyID"] = KeyArn(ctx, kk);
                bucket.Encryption = new JsonObject { ["Rules"] = new JsonArray(new JsonObject { ["ApplyServerSideEncryptionByDefault"] = byDefault, ["BucketKeyEnabled"] = b.BucketKey }) };
            }

            ctx.World.Buckets[b.Name] = bucket;
        }

        foreach (var g in r.LogGroups)
        {
            state.LogGroups[g.Name] = new LogGroup { Name = g.Name, KmsKeyId = g.KmsKey is { } k ? KeyArn(ctx, k) : null, RetentionInDays = g.RetentionInDays, CreationTime = ctx.Now.AddDays(-60) };
        }

        foreach (var t in r.Trails)
        {
            state.Trails[t.Name] = new Trail
            {
                Name = t.Name,
                S3BucketName = t.Bucket,
                IsMultiRegionTrail = t.MultiRegion,
                IsLogging = t.Logging,
                StartLoggingTime = t.Logging ? ctx.Now.AddDays(-90) : null,
                HomeRegion = ctx.Region,
                TrailArn = ctx.Arn("cloudtrail", "trail/" + t.Name),
            };
        }

        foreach (var t in r.Topics)
        {
            var topic = SnsService.NewTopic(ctx.Arn("sns", t.Name));
            if (t.Policy is not null) topic.Attributes["Policy"] = t.Policy;
            if (t.KmsMasterKeyId is not null) topic.Attributes["KmsMasterKeyId"] = t.KmsMasterKeyId;
            state.Topics[t.Name] = topic;
        }

        foreach (var f in r.Functions)
        {
            state.Functions[f.Name] = new LambdaFunction
            {
                Name = f.Name,
                Arn = ctx.Arn("lambda", "function:" + f.Name),
                Runtime = f.Runtime,
                Role = f.Role ?? $"arn:aws:iam::{ctx.Account}:role/{f.Name}-role",
                Handler = f.Handler,
                Description = f.Description,
                LastModified = ctx.Now.AddDays(-30),
                Policy = f.Policy,
                PolicyRevision = f.Policy is null ? null : ctx.Core.Uuid(),
            };
        }

        foreach (var p in r.Pipelines)
        {
            state.Pipelines[p.Name] = new Pipeline { Name = p.Name, RoleArn = p.RoleArn ?? $"arn:aws:iam::{ctx.Account}:role/{p.Name}-role", Created = ctx.Now.AddDays(-30), Updated = ctx.Now.AddDays(-30) };
        }

        foreach (var d in r.Documents)
        {
            var parsed = SsmService.ParseContent(d.Content, d.Format, d.Type);
            var doc = new SsmDocument { Name = d.Name, DocumentType = d.Type, DocumentFormat = d.Format, Owner = ctx.Account };
            doc.Versions.Add(new SsmDocumentVersion
            {
                Version = 1,
                Content = d.Content,
                Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(d.Content))),
                CreatedDate = ctx.Now.AddDays(-60),
                DocumentFormat = d.Format,
                SchemaVersion = parsed?["schemaVersion"]?.GetValue<string>(),
                Description = parsed?["description"] is JsonValue dv ? dv.ToString() : null,
            });
            state.Documents[d.Name] = doc;
        }

        foreach (var rule in r.Rules)
        {
            if (rule.Pattern is not null) Events.EventPattern.Parse(rule.Pattern);
            var er = new EventRule { Name = rule.Name, EventPattern = rule.Pattern, State = rule.State, Description = rule.Description };
            foreach (var t in rule.Targets)
            {
                var target = new JsonObject { ["Id"] = t.Id, ["Arn"] = t.Arn };
                if (t.RoleArn is not null) target["RoleArn"] = t.RoleArn;
                er.Targets.Add(target);
            }

            state.Rules[rule.Name] = er;
        }

        foreach (var i in r.Instances)
        {
            state.Instances[i.Id] = new ManagedInstance
            {
                InstanceId = i.Id,
                PlatformType = i.PlatformType,
                PlatformName = i.PlatformName,
                PlatformVersion = i.PlatformVersion,
                AgentVersion = i.AgentVersion,
                PingStatus = i.PingStatus,
                ResourceType = i.ResourceType,
                ComputerName = i.ComputerName,
                IPAddress = i.IpAddress,
                LastPingDateTime = ctx.Now.AddMinutes(-i.LastPingMinutesAgo),
                IamRole = i.IamRole,
                InstanceProfile = i.InstanceProfile,
            };
        }

        foreach (var s in r.Sessions)
        {
            string owner = s.Owner.StartsWith("arn:", StringComparison.Ordinal) ? s.Owner : $"arn:aws:iam::{ctx.Account}:user/{s.Owner}";
            var start = ctx.Now.AddDays(-s.StartedDaysAgo).AddHours(-s.StartedHoursAgo);
            DateTimeOffset? end = s.DurationMinutes is { } m ? start.AddMinutes(m) : null;
            string id = s.Id ?? $"{owner[(owner.LastIndexOf('/') + 1)..]}-{ctx.Core.Hex(17)}";
            var session = new SsmSession
            {
                SessionId = id,
                Target = s.Target,
                Owner = owner,
                DocumentName = s.Document,
                StartDate = start,
                EndDate = end,
                Status = s.Status ?? (end is null ? "Connected" : "Terminated"),
                Reason = s.Reason,
            };
            state.Sessions[id] = session;

            // The preferences of the seed's documents applied when the session started; an ended one has been logged.
            SessionLogs.Started(ctx, session);
            if (session.EndDate is not null && session.Status == "Terminated") SessionLogs.Ended(ctx, session);

            // A seeded open session counts as active when the seed is applied, so that it is open as seeded.
            else if (session.EndDate is null) SessionExpiry.Schedule(ctx.World, session, ctx.Now);
        }
    }

    private static string KeyArn(CallContext ctx, string keyRef)
    {
        try { return KmsService.Resolve(ctx, keyRef).Arn; }
        catch (AwsException) { throw new InvalidOperationException($"seed: KMS key '{keyRef}' is not defined in {ctx.Account}/{ctx.Region} (list it under keys first)"); }
    }
}
