using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using SessionAudit.Policy.Crd;
using SessionAudit.Policy.Model;

namespace SessionAudit.Policy.Validation;

/// <summary>Checks an object against the same attributes the CRD schema is generated from, so a spec read from a file
/// (session-audit plan -f) or admitted by a server that skipped validation gets the same answers.</summary>
internal static class SchemaRules
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly ConcurrentDictionary<string, string> Rules = new(StringComparer.Ordinal);

    public static void Check(object node, string path, List<ValidationError> errors)
    {
        foreach (var p in CrdGenerator.SchemaProperties(node.GetType()))
        {
            var childPath = path + "." + CrdGenerator.JsonName(p);
            var value = p.GetValue(node);
            if (value is null || (value is string s0 && s0.Length == 0 && p.GetCustomAttribute<RequiredAttribute>() is not null))
            {
                if (p.GetCustomAttribute<RequiredAttribute>() is not null)
                {
                    errors.Add(new(childPath, "is required"));
                }

                continue;
            }

            switch (value)
            {
                case string s:
                    CheckString(p, s, childPath, errors);
                    break;
                case int or long:
                    if (p.GetCustomAttribute<RangeAttribute>() is { } range && !range.IsValid(value))
                    {
                        errors.Add(new(childPath, $"must be between {range.Minimum} and {range.Maximum}, got {value}"));
                    }

                    break;
                case IEnumerable list when CrdGenerator.ListItemType(p.PropertyType) is not null:
                    CheckList(p, list.Cast<object?>().ToList(), childPath, errors);
                    break;
                case not (bool or Enum or DateTimeOffset) when IsModel(value.GetType()):
                    Check(value, childPath, errors);
                    break;
            }
        }
    }

    private static void CheckString(PropertyInfo p, string s, string path, List<ValidationError> errors)
    {
        if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max && s.Length > max.Length)
        {
            errors.Add(new(path, $"must be at most {max.Length} characters, got {s.Length}"));
            return;
        }

        if (p.GetCustomAttribute<MinLengthAttribute>() is { } min && s.Length < min.Length)
        {
            errors.Add(new(path, $"must be at least {min.Length} characters"));
        }

        if (p.GetCustomAttribute<RegularExpressionAttribute>() is { } re && !Matches(re.Pattern, s))
        {
            errors.Add(new(path, $"\"{Shorten(s)}\" does not match {re.Pattern}"));
        }

        if (p.GetCustomAttribute<AllowedValuesSchemaAttribute>() is { } av && !av.Values.Contains(s))
        {
            errors.Add(new(path, $"\"{Shorten(s)}\" is not one of {string.Join(", ", av.Values)}"));
        }
    }

    private static void CheckList(PropertyInfo p, List<object?> items, string path, List<ValidationError> errors)
    {
        if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max && items.Count > max.Length)
        {
            errors.Add(new(path, $"must have at most {max.Length} items, got {items.Count}"));
        }

        if (p.GetCustomAttribute<MinLengthAttribute>() is { } min && items.Count < min.Length)
        {
            errors.Add(new(path, $"must have at least {min.Length} item(s)"));
        }

        var pattern = p.GetCustomAttribute<ItemPatternAttribute>()?.Pattern;
        var allowed = p.GetCustomAttribute<AllowedValuesSchemaAttribute>()?.Values;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var isSet = p.GetCustomAttribute<ListTypeAttribute>()?.ListType == "set";
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            switch (items[i])
            {
                case null:
                    errors.Add(new(itemPath, "must not be null"));
                    break;
                case string s:
                    if (pattern is not null && !Matches(pattern, s))
                    {
                        errors.Add(new(itemPath, $"\"{Shorten(s)}\" does not match {pattern}"));
                    }

                    if (allowed is not null && !allowed.Contains(s))
                    {
                        errors.Add(new(itemPath, $"\"{Shorten(s)}\" is not one of {string.Join(", ", allowed)}"));
                    }

                    if (isSet && !seen.Add(s))
                    {
                        errors.Add(new(itemPath, $"duplicate value \"{Shorten(s)}\""));
                    }

                    break;
                case { } item:
                    Check(item, itemPath, errors);
                    break;
            }
        }
    }

    internal static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, Rules.GetOrAdd(pattern, AsRe2), RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>
    /// The pattern as the API server reads it. The one difference that matters for Patterns: RE2's $ is the end of
    /// the text, .NET's also matches before a final newline ("us-east-1\n" would pass here and fail there), so a bare
    /// $ (not escaped, not in a class) becomes \z. Patterns use [0-9] rather than \d, which is ASCII-only in RE2 only.
    /// </summary>
    internal static string AsRe2(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '$')
            {
                sb.Append("\\z");
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    // The CRD's object types: the policy model's and the AwsAccount's.
    private static bool IsModel(Type type) =>
        type.Namespace == typeof(SessionLoggingPolicySpec).Namespace || type.Namespace == typeof(Accounts.AwsAccountSpec).Namespace;
}
