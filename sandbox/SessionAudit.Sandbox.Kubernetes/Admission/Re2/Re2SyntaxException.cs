namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>What Go's regexp/syntax reports: an error code and the offending part of the expression.</summary>
internal sealed class Re2SyntaxException(string code, string expr) : Exception($"error parsing regexp: {code}: `{expr}`")
{
    public string Code { get; } = code;

    public string Expr { get; } = expr;
}

/// <summary>Go's ErrorCode texts (regexp/syntax/parse.go).</summary>
internal static class Re2ErrorCodes
{
    public const string InvalidCharClass = "invalid character class";
    public const string InvalidCharRange = "invalid character class range";
    public const string InvalidEscape = "invalid escape sequence";
    public const string InvalidNamedCapture = "invalid named capture";
    public const string InvalidPerlOp = "invalid or unsupported Perl syntax";
    public const string InvalidRepeatOp = "invalid nested repetition operator";
    public const string InvalidRepeatSize = "invalid repeat count";
    public const string MissingBracket = "missing closing ]";
    public const string MissingParen = "missing closing )";
    public const string MissingRepeatArgument = "missing argument to repetition operator";
    public const string TrailingBackslash = "trailing backslash at end of expression";
    public const string UnexpectedParen = "unexpected )";
}
