using System.Globalization;
using SessionAudit.Aws.Transport;

namespace SessionAudit.Aws.Services.Ec2;

/// <summary>One instance profile association (DescribeIamInstanceProfileAssociations, iamInstanceProfileAssociationSet/item).</summary>
public sealed record InstanceProfileAssociation(string InstanceId, string InstanceProfileArn, string? State);

/// <summary>One page of associations and the token of the next, if any.</summary>
public sealed record InstanceProfileAssociationPage(IReadOnlyList<InstanceProfileAssociation> Associations, string? NextToken);

/// <summary>Thin EC2 client (the ec2 protocol, version 2016-11-15): the query form of requests, with every list flattened
/// (<c>Filter.1.Value.1</c>), and an XML answer without a Result wrapper whose lists hold <c>item</c>s. Retries are the caller's.</summary>
public sealed class Ec2Client
{
    /// <summary>metadata.apiVersion.</summary>
    public const string ApiVersion = "2016-11-15";

    /// <summary>The model's MaxResults range for DescribeIamInstanceProfileAssociations is 5..1000.</summary>
    public const int MaxResults = 1000;

    /// <summary>Creates the client over a channel signed for "ec2".</summary>
    public Ec2Client(AwsChannel channel) => Protocol = new AwsQueryProtocol(channel, ApiVersion);

    /// <summary>The wire protocol (its answer is the root element when there is no Result wrapper, as with EC2).</summary>
    public AwsQueryProtocol Protocol { get; }

    /// <summary>DescribeIamInstanceProfileAssociations filtered by instance-id (the given ids) and state associated, one page.</summary>
    public async Task<InstanceProfileAssociationPage> DescribeIamInstanceProfileAssociationsAsync(IReadOnlyList<string> instanceIds, string? nextToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var form = new List<KeyValuePair<string, string>> { new("Filter.1.Name", "instance-id") };
        for (var i = 0; i < instanceIds.Count; i++)
        {
            form.Add(new("Filter.1.Value." + (i + 1).ToString(CultureInfo.InvariantCulture), instanceIds[i]));
        }

        form.Add(new("Filter.2.Name", "state"));
        form.Add(new("Filter.2.Value.1", "associated"));
        form.Add(new("MaxResults", MaxResults.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(nextToken))
        {
            form.Add(new("NextToken", nextToken));
        }

        var root = await Protocol.InvokeAsync("DescribeIamInstanceProfileAssociations", form, cancellationToken).ConfigureAwait(false);
        var set = root.Elements().FirstOrDefault(e => e.Name.LocalName == "iamInstanceProfileAssociationSet");
        var list = new List<InstanceProfileAssociation>();
        foreach (var item in set?.Elements().Where(e => e.Name.LocalName == "item") ?? [])
        {
            var instanceId = Child(item, "instanceId");
            var arn = item.Elements().FirstOrDefault(e => e.Name.LocalName == "iamInstanceProfile") is { } p ? Child(p, "arn") : null;
            if (instanceId is not null && arn is not null)
            {
                list.Add(new InstanceProfileAssociation(instanceId, arn, Child(item, "state")));
            }
        }

        var next = Child(root, "nextToken");
        return new InstanceProfileAssociationPage(list, string.IsNullOrEmpty(next) ? null : next);
    }

    private static string? Child(System.Xml.Linq.XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name)?.Value;
}
