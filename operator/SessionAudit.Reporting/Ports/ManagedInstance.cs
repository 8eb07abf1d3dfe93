namespace SessionAudit.Reporting.Ports;

/// <summary>One managed node, as DescribeInstanceInformation returns it (the fields the readiness check reads).</summary>
public sealed record ManagedInstance
{
    /// <summary>The instance id, e.g. <c>i-0123456789abcdef0</c> or <c>mi-...</c>.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Windows, Linux or MacOS.</summary>
    public string? PlatformType { get; init; }

    /// <summary>e.g. <c>Microsoft Windows Server 2012 R2 Datacenter</c> or <c>Amazon Linux</c>.</summary>
    public string? PlatformName { get; init; }

    /// <summary>e.g. <c>6.3.9600</c> for Windows Server 2012 R2, <c>2</c> for Amazon Linux 2.</summary>
    public string? PlatformVersion { get; init; }

    /// <summary>The SSM Agent version, e.g. <c>3.3.40.0</c>.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>Online, ConnectionLost or Inactive.</summary>
    public string? PingStatus { get; init; }

    /// <summary>The host name the agent reports.</summary>
    public string? ComputerName { get; init; }
}
