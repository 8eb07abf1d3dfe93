namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>EC2 DescribeIamInstanceProfileAssociations and IAM GetInstanceProfile through the AWS CLI: which role an
/// instance runs with.</summary>
public sealed class InstanceProfileCliTests
{
    private const string Seed = """
        accounts:
          - id: "000000000000"
            regions:
              - name: us-east-1
                instances:
                  - {id: i-0a000000000000001, iamRole: "arn:aws:iam::000000000000:role/ec2-ssm"}
                  - {id: i-0a000000000000002, iamRole: "arn:aws:iam::000000000000:role/app", instanceProfile: app-profile}
                  - {id: i-0a000000000000003}
                  - {id: mi-0a000000000000004, resourceType: ManagedInstance, iamRole: "arn:aws:iam::000000000000:role/hybrid-ssm"}
        """;

    [Fact]
    public async Task An_instance_names_its_profile_and_the_profile_names_its_role()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = new AwsCli(sb.Url);

        var all = await aws.OkAsync("ec2", "describe-iam-instance-profile-associations",
            "--filters", "Name=instance-id,Values=i-0a000000000000001,i-0a000000000000002,i-0a000000000000003,mi-0a000000000000004", "Name=state,Values=associated");
        var associations = all["IamInstanceProfileAssociations"]!.AsArray();
        Assert.Equal(["i-0a000000000000001", "i-0a000000000000002"], associations.Select(a => a!["InstanceId"]!.GetValue<string>()));
        Assert.Equal("arn:aws:iam::000000000000:instance-profile/ec2-ssm", associations[0]!["IamInstanceProfile"]!["Arn"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::000000000000:instance-profile/app-profile", associations[1]!["IamInstanceProfile"]!["Arn"]!.GetValue<string>());
        Assert.Equal("associated", associations[1]!["State"]!.GetValue<string>());

        var one = await aws.OkAsync("ec2", "describe-iam-instance-profile-associations", "--filters", "Name=instance-id,Values=i-0a000000000000002");
        Assert.Equal("i-0a000000000000002", Assert.Single(one["IamInstanceProfileAssociations"]!.AsArray())!["InstanceId"]!.GetValue<string>());

        var profile = await aws.OkAsync("iam", "get-instance-profile", "--instance-profile-name", "app-profile");
        Assert.Equal("arn:aws:iam::000000000000:role/app", Assert.Single(profile["InstanceProfile"]!["Roles"]!.AsArray())!["Arn"]!.GetValue<string>());
        await aws.FailsAsync("NoSuchEntity", "iam", "get-instance-profile", "--instance-profile-name", "missing");

        // A hybrid node has no instance profile: DescribeInstanceInformation gives its role by name.
        var info = await aws.OkAsync("ssm", "describe-instance-information");
        var byId = info["InstanceInformationList"]!.AsArray().ToDictionary(i => i!["InstanceId"]!.GetValue<string>(), i => i!["IamRole"]?.GetValue<string>());
        Assert.Equal("hybrid-ssm", byId["mi-0a000000000000004"]);
        Assert.Null(byId["i-0a000000000000001"]);
    }

    [Fact]
    public async Task Associations_page_and_unknown_filters_are_refused()
    {
        await using var sb = await Sandboxes.StartAsync(Seed);
        var aws = new AwsCli(sb.Url);

        var first = await aws.OkAsync("ec2", "describe-iam-instance-profile-associations", "--no-paginate", "--max-results", "5");
        Assert.Equal(2, first["IamInstanceProfileAssociations"]!.AsArray().Count);
        await aws.FailsAsync("InvalidParameterValue", "ec2", "describe-iam-instance-profile-associations", "--filters", "Name=instance-type,Values=t3.micro");
        Assert.Contains(sb.CallLog, c => c.Service == "ec2" && c.Operation == "DescribeIamInstanceProfileAssociations" && c.Status == 200);
    }
}
