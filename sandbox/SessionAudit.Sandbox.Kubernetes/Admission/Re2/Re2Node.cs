namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>A node of a parsed RE2 expression: just enough structure for Go's repeat-count rule and for matching.</summary>
internal abstract record Re2Node;

/// <summary>One code point (case-folded when the i flag was on).</summary>
internal sealed record Re2Literal(int Rune, bool FoldCase) : Re2Node;

/// <summary>A character class: the union of its items, negated when written [^...].</summary>
internal sealed record Re2Class(IReadOnlyList<Re2ClassItem> Items, bool Negated, bool FoldCase) : Re2Node;

/// <summary>. (with or without the s flag).</summary>
internal sealed record Re2AnyChar(bool MatchesNewline) : Re2Node;

/// <summary>^, $, \A, \z, \b, \B.</summary>
internal sealed record Re2Assertion(Re2AssertionKind Kind) : Re2Node;

/// <summary>A capturing group (non-capturing groups leave no node, as in Go).</summary>
internal sealed record Re2Capture(Re2Node Sub) : Re2Node;

/// <summary>*, +, ?, {n}, {n,}, {n,m}; Counted marks the {..} forms (Go's OpRepeat), which the repeat-count rule looks at.</summary>
internal sealed record Re2Repeat(Re2Node Sub, int Min, int Max, bool Greedy, bool Counted) : Re2Node;

internal sealed record Re2Concat(IReadOnlyList<Re2Node> Subs) : Re2Node;

internal sealed record Re2Alternate(IReadOnlyList<Re2Node> Subs) : Re2Node;

internal sealed record Re2Empty : Re2Node;

internal enum Re2AssertionKind
{
    BeginText,
    EndText,
    BeginLine,
    EndLine,
    WordBoundary,
    NoWordBoundary,
}

/// <summary>
/// One member of a class, as the body of a .NET character class ("0-9", "\p{Lu}") and whether it is negated
/// (\D, [:^alpha:], \PL); Unsupported names what the sandbox cannot match (Unicode scripts), though Go accepts it.
/// </summary>
internal sealed record Re2ClassItem(string Body, bool Negated, string? Unsupported = null);
