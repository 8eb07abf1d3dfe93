using System.Text.RegularExpressions;

namespace SessionAudit.Reporting.Readiness;

/// <summary>Reads Windows releases from DescribeInstanceInformation's PlatformVersion (kernel version) or PlatformName.</summary>
public static partial class WindowsVersions
{
    /// <summary>Windows Server 2012 R2 is kernel 6.3; the guide recommends it or later for well-formatted logs.</summary>
    public static readonly Version Minimum = new(6, 3);

    /// <summary>
    /// The kernel version of the node: PlatformVersion when it parses (e.g. <c>6.1.7601</c>), else derived from a
    /// server year in PlatformName (e.g. <c>Microsoft Windows Server 2008 R2 Datacenter</c>); null when neither says.
    /// </summary>
    public static Version? KernelVersion(string? platformVersion, string? platformName)
    {
        if (!string.IsNullOrWhiteSpace(platformVersion) && Version.TryParse(platformVersion.Trim(), out var parsed))
        {
            return parsed;
        }

        if (platformName is null)
        {
            return null;
        }

        var match = ServerYear().Match(platformName);
        if (!match.Success)
        {
            return null;
        }

        var r2 = match.Groups["r2"].Success;
        return match.Groups["year"].Value switch
        {
            "2003" => new Version(5, 2),
            "2008" => r2 ? new Version(6, 1) : new Version(6, 0),
            "2012" => r2 ? new Version(6, 3) : new Version(6, 2),
            _ => new Version(10, 0),
        };
    }

    /// <summary>A readable server release for a kernel version, e.g. 6.1 → <c>Windows Server 2008 R2</c>.</summary>
    public static string ServerRelease(Version kernel) => (kernel.Major, kernel.Minor) switch
    {
        (5, 2) => "Windows Server 2003",
        (6, 0) => "Windows Server 2008",
        (6, 1) => "Windows Server 2008 R2",
        (6, 2) => "Windows Server 2012",
        (6, 3) => "Windows Server 2012 R2",
        (10, 0) when kernel.Build >= 26100 => "Windows Server 2025",
        (10, 0) when kernel.Build >= 20348 => "Windows Server 2022",
        (10, 0) when kernel.Build >= 17763 => "Windows Server 2019",
        (10, 0) => "Windows Server 2016",
        _ when kernel < Minimum => "Windows before Server 2012 R2",
        _ => "Windows",
    };

    /// <summary>True when the release is older than Windows Server 2012 R2.</summary>
    public static bool IsBefore2012R2(Version kernel) => new Version(kernel.Major, kernel.Minor) < Minimum;

    [GeneratedRegex(@"\b(?<year>2003|2008|2012|2016|2019|2022|2025)(\s*(?<r2>R2))?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ServerYear();
}
