using SessionAudit.Sandbox.Aws.Model;

namespace SessionAudit.Sandbox.Aws.Wire;

/// <summary>Finds the REST operation (S3, Lambda) whose model URI template best fits a request.</summary>
internal sealed class RestRouter
{
    private readonly List<(Operation Op, string Method, Segment[] Path, (string Key, string? Value)[] Query, string[] Headers, string[] QueryMembers)> routes = [];

    public RestRouter(ServiceModel service)
    {
        foreach (var op in service.Operations.Values)
        {
            string uri = op.RequestUri;
            int q = uri.IndexOf('?', StringComparison.Ordinal);
            string path = q < 0 ? uri : uri[..q];
            var query = q < 0 ? [] : uri[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
            {
                int eq = p.IndexOf('=', StringComparison.Ordinal);
                return eq < 0 ? (p, (string?)null) : (p[..eq], (string?)p[(eq + 1)..]);
            }).ToArray();
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s =>
                s.StartsWith('{') ? new Segment(s.Trim('{', '}', '+'), true, s.EndsWith("+}", StringComparison.Ordinal)) : new Segment(s, false, false)).ToArray();
            // Required header and query members tell apart operations sharing a URI (PutObject vs CopyObject, GetObject vs UploadPart...).
            var required = op.Input?.Required.Select(r => op.Input.Members[r]).ToList() ?? [];
            routes.Add((op, op.HttpMethod, segments, query,
                [.. required.Where(m => m.Location == "header").Select(m => m.WireName)],
                [.. required.Where(m => m.Location == "querystring").Select(m => m.WireName)]));
        }
    }

    private readonly record struct Segment(string Text, bool IsLabel, bool Greedy);

    /// <summary>Returns the operation and its URI labels, or null when nothing in the model fits.</summary>
    public (Operation Op, Dictionary<string, string> Labels)? Match(string method, string[] pathSegments, IReadOnlyDictionary<string, string> query, Func<string, bool> hasHeader)
    {
        (Operation Op, Dictionary<string, string> Labels)? best = null;
        int bestScore = -1;
        foreach (var r in routes)
        {
            if (!string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
            if (!r.Query.All(c => query.TryGetValue(c.Key, out var v) && (c.Value is null || c.Value == v))) continue;
            if (!r.Headers.All(hasHeader) || !r.QueryMembers.All(query.ContainsKey)) continue;
            var labels = MatchPath(r.Path, pathSegments);
            if (labels is null) continue;
            int score = (r.Query.Length + r.Headers.Length + r.QueryMembers.Length) * 100 + r.Path.Count(s => !s.IsLabel) * 10 + r.Path.Length;
            if (score > bestScore)
            {
                bestScore = score;
                best = (r.Op, labels);
            }
        }

        return best;
    }

    private static Dictionary<string, string>? MatchPath(Segment[] template, string[] actual)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 0;
        for (int t = 0; t < template.Length; t++)
        {
            var seg = template[t];
            if (seg.Greedy)
            {
                if (i >= actual.Length) return null;
                labels[seg.Text] = string.Join('/', actual[i..]);
                return labels;
            }

            if (i >= actual.Length) return null;
            if (seg.IsLabel)
            {
                if (actual[i].Length == 0) return null;
                labels[seg.Text] = actual[i];
            }
            else if (!string.Equals(seg.Text, actual[i], StringComparison.Ordinal))
            {
                return null;
            }

            i++;
        }

        return i == actual.Length ? labels : null;
    }
}
