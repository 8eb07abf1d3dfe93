using System.Globalization;
using System.Text;
using SessionAudit.Sandbox.Aws.Wire;

namespace SessionAudit.Sandbox.Aws.Services;

/// <summary>Opaque offset tokens for the paged list operations.</summary>
internal static class Paging
{
    public static (List<T> Page, string? Next) Page<T>(IEnumerable<T> items, string? token, int pageSize, string invalidTokenCode)
    {
        int offset = 0;
        if (!string.IsNullOrEmpty(token))
        {
            try
            {
                string s = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                if (!s.StartsWith("o:", StringComparison.Ordinal) || !int.TryParse(s[2..], NumberStyles.None, CultureInfo.InvariantCulture, out offset)) throw new FormatException();
            }
            catch (FormatException)
            {
                throw new AwsException(invalidTokenCode, "The specified token is not valid.");
            }
        }

        var page = items.Skip(offset).Take(pageSize + 1).ToList();
        string? next = null;
        if (page.Count > pageSize)
        {
            page.RemoveAt(pageSize);
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + (offset + pageSize).ToString(CultureInfo.InvariantCulture)));
        }

        return (page, next);
    }
}
