namespace SessionAudit.Aws.Configuration;

/// <summary>One AWS service as its botocore model names it: signing name, endpoint prefix, and SDK service id (for AWS_ENDPOINT_URL_&lt;ID&gt;).</summary>
/// <param name="Name">Signing name (credential scope service), for example "logs".</param>
/// <param name="EndpointPrefix">Host prefix of the public endpoint, for example "logs" in logs.us-east-1.amazonaws.com.</param>
/// <param name="ServiceId">The model's metadata.serviceId, for example "CloudWatch Logs".</param>
public sealed record AwsService(string Name, string EndpointPrefix, string ServiceId)
{
    /// <summary>The environment variable that overrides this service's endpoint: AWS_ENDPOINT_URL_ + serviceId upper-cased, spaces as underscores.</summary>
    public string EndpointVariable => "AWS_ENDPOINT_URL_" + ServiceId.ToUpperInvariant().Replace(' ', '_');

    /// <summary>AWS Systems Manager (JSON 1.1, AmazonSSM).</summary>
    public static readonly AwsService Ssm = new("ssm", "ssm", "SSM");
    /// <summary>Amazon S3 (REST-XML).</summary>
    public static readonly AwsService S3 = new("s3", "s3", "S3");
    /// <summary>AWS KMS (JSON 1.1, TrentService).</summary>
    public static readonly AwsService Kms = new("kms", "kms", "KMS");
    /// <summary>AWS STS (query).</summary>
    public static readonly AwsService Sts = new("sts", "sts", "STS");
    /// <summary>CloudWatch Logs (JSON 1.1, Logs_20140328).</summary>
    public static readonly AwsService Logs = new("logs", "logs", "CloudWatch Logs");
    /// <summary>EventBridge (JSON 1.1, AWSEvents).</summary>
    public static readonly AwsService Events = new("events", "events", "EventBridge");
    /// <summary>CloudTrail (JSON 1.1).</summary>
    public static readonly AwsService CloudTrail = new("cloudtrail", "cloudtrail", "CloudTrail");
    /// <summary>SNS (query).</summary>
    public static readonly AwsService Sns = new("sns", "sns", "SNS");
    /// <summary>Lambda (REST-JSON).</summary>
    public static readonly AwsService Lambda = new("lambda", "lambda", "Lambda");
    /// <summary>EC2 (the ec2 protocol): only which instance profile an instance has.</summary>
    public static readonly AwsService Ec2 = new("ec2", "ec2", "EC2");
    /// <summary>IAM (query; one global endpoint, signed for us-east-1 in the aws partition): only instance profiles.</summary>
    public static readonly AwsService Iam = new("iam", "iam", "IAM");
    /// <summary>CodePipeline (JSON 1.1, CodePipeline_20150709).</summary>
    public static readonly AwsService CodePipeline = new("codepipeline", "codepipeline", "CodePipeline");
}
