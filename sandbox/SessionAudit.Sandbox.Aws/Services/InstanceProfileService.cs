using System.Text.Json.Nodes;
using SessionAudit.Sandbox.Aws.State;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>
/// Which role an EC2 instance runs with: EC2 DescribeIamInstanceProfileAssociations (instance to instance profile) and
/// IAM GetInstanceProfile (profile to role), from the managed nodes' <c>iamRole</c> and <c>instanceProfile</c>. Only EC2
/// instances (not hybrid nodes) have an association, each in the state <c>associated</c>.
/// </summary>
internal static class InstanceProfileService
{
    public static void Register(HandlerTable t)
    {
        t.Add("ec2", "DescribeIamInstanceProfileAssociations", DescribeIamInstanceProfileAssociations);
        t.Add("iam", "GetInstanceProfile", GetInstanceProfile);
    }

    private static string ProfileName(ManagedInstance i) => i.InstanceProfile ?? i.IamRole![(i.IamRole!.LastIndexOf('/') + 1)..];

    private static string AssociationId(string instanceId) => "iip-assoc-" + instanceId[(instanceId.IndexOf('-') + 1)..].PadLeft(17, '0')[..17];

    private static string ProfileId(string account, string name) =>
        "AIPA" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account + "/" + name)))[..17];

    private static JsonObject? DescribeIamInstanceProfileAssociations(CallContext ctx, JsonObject input)
    {
        IEnumerable<ManagedInstance> items = ctx.State.Instances.Values.Where(i => i.ResourceType == "EC2Instance" && i.IamRole is not null);
        var ids = input.Strings("AssociationIds").ToHashSet(StringComparer.Ordinal);
        if (ids.Count > 0)
        {
            // As EC2: the list names associations, and one that does not exist is an error, not an empty answer.
            var unknown = ids.FirstOrDefault(a => !items.Any(i => AssociationId(i.InstanceId) == a));
            if (unknown is not null) throw new AwsException("InvalidAssociationID.NotFound", $"An association ID '{unknown}' does not exist");
            items = items.Where(i => ids.Contains(AssociationId(i.InstanceId)));
            if (input["Filters"] is not null || input["MaxResults"] is not null)
            {
                throw new AwsException("InvalidParameterCombination", "The parameter AssociationIds cannot be used with the parameters Filters or MaxResults");
            }
        }

        foreach (var f in input.Objects("Filters"))
        {
            var values = f.Strings("Values").ToHashSet(StringComparer.Ordinal);
            items = f.Str("Name") switch
            {
                "instance-id" => items.Where(i => values.Contains(i.InstanceId)),
                "state" => items.Where(_ => values.Contains("associated")),
                var name => throw new AwsException("InvalidParameterValue", $"The filter '{name}' is invalid"),
            };
        }

        var (page, next) = Paging.Page(items, input.Str("NextToken"), (int)(input.Long("MaxResults") ?? 1000), "InvalidParameterValue");
        return new JsonObject
        {
            ["IamInstanceProfileAssociations"] = Json.Array(page, i => new JsonObject
            {
                ["AssociationId"] = AssociationId(i.InstanceId),
                ["InstanceId"] = i.InstanceId,
                ["IamInstanceProfile"] = new JsonObject
                {
                    ["Arn"] = $"arn:aws:iam::{ctx.Account}:instance-profile/{ProfileName(i)}",
                    ["Id"] = ProfileId(ctx.Account, ProfileName(i)),
                },
                ["State"] = "associated",
                ["Timestamp"] = Json.Time(i.LastPingDateTime),
            }),
            ["NextToken"] = next,
        };
    }

    private static JsonObject? GetInstanceProfile(CallContext ctx, JsonObject input)
    {
        // IAM is global: an instance profile is the account's, whichever region its instances run in.
        string name = input.Req("InstanceProfileName");
        var instance = ctx.World.Accounts.GetValueOrDefault(ctx.Account)?.Regions.Values
            .SelectMany(r => r.Instances.Values)
            .FirstOrDefault(i => i.ResourceType == "EC2Instance" && i.IamRole is not null && ProfileName(i) == name)
            ?? throw new AwsException("NoSuchEntityException", $"Instance Profile {name} cannot be found.", 404);
        string role = instance.IamRole!;
        string roleName = role[(role.LastIndexOf('/') + 1)..];
        var created = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return new JsonObject
        {
            ["InstanceProfile"] = new JsonObject
            {
                ["Path"] = "/",
                ["InstanceProfileName"] = name,
                ["InstanceProfileId"] = ProfileId(ctx.Account, name),
                ["Arn"] = $"arn:aws:iam::{ctx.Account}:instance-profile/{name}",
                ["CreateDate"] = Json.Time(created),
                ["Roles"] = new JsonArray(new JsonObject
                {
                    ["Path"] = "/",
                    ["RoleName"] = roleName,
                    ["RoleId"] = "AROA" + ProfileId(ctx.Account, "role/" + roleName)[4..],
                    ["Arn"] = role,
                    ["CreateDate"] = Json.Time(created),
                }),
            },
        };
    }
}
