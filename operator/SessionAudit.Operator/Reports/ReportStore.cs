using System.Collections.Concurrent;

namespace SessionAudit.Operator.Reports;

/// <summary>The latest HTML report of each policy, served on the operator's HTTP port.</summary>
public sealed class ReportStore
{
    private readonly ConcurrentDictionary<string, string> html = new(StringComparer.Ordinal);

    public void Put(string policy, string document) => html[policy] = document;

    public string? Get(string policy) => html.GetValueOrDefault(policy);

    public void Remove(string policy) => html.TryRemove(policy, out _);

    public IReadOnlyCollection<string> Policies => html.Keys.Order(StringComparer.Ordinal).ToList();
}
