using SessionAudit.Aws.Configuration;
using SessionAudit.Aws.Services.Logs;
using SessionAudit.Policy.Ports;

namespace SessionAudit.Aws.Adapters;

/// <summary>Log group look-up: DescribeLogGroups with the name as prefix, paged until the exact name is seen.</summary>
internal sealed class LogGroupAdapter(AwsClients clients) : ILogGroupPort
{
    public async Task<LogGroupInfo?> DescribeAsync(string logGroupName, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeLogGroupsRequest { LogGroupNamePrefix = logGroupName, NextToken = token, Limit = 50 };
            var page = await clients.RunAsync(AwsService.Logs, "DescribeLogGroups",
                ct => clients.Logs.DescribeLogGroupsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            var match = page.LogGroups?.FirstOrDefault(g => string.Equals(g.LogGroupName, logGroupName, StringComparison.Ordinal));
            if (match is not null)
            {
                return new LogGroupInfo(logGroupName, string.IsNullOrEmpty(match.KmsKeyId) ? null : match.KmsKeyId);
            }
            token = string.IsNullOrEmpty(page.NextToken) || page.NextToken == token ? null : page.NextToken;
        }
        while (token is not null);
        return null;
    }
}
