using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>The Policy ports for one scope, all sharing that scope's clients.</summary>
internal sealed class AwsEnvironment(AwsClients clients, S3BucketRegions bucketRegions) : IAwsEnvironment
{
    public AwsScope Scope => clients.Scope;
    public ICallerIdentityPort Identity { get; } = new CallerIdentityAdapter(clients);
    public IPreferencesDocumentPort Documents { get; } = new PreferencesDocumentAdapter(clients);
    public IS3BucketPort Buckets { get; } = new S3BucketAdapter(clients, bucketRegions);
    public ILogGroupPort LogGroups { get; } = new LogGroupAdapter(clients);
    public IKmsKeyPort Keys { get; } = new KmsKeyAdapter(clients);
    public IKmsGrantPort Grants { get; } = new KmsGrantAdapter(clients);
    public ICloudTrailPort Trails { get; } = new CloudTrailAdapter(clients);
    public IAlertTargetPort AlertTargets { get; } = new AlertTargetAdapter(clients);
    public IEventRulePort Rules { get; } = new EventRuleAdapter(clients);
}
