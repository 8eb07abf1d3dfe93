using System.Globalization;

namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>
/// A parser for RE2 syntax as Go's regexp.Compile accepts it (flags syntax.Perl: OneLine, PerlX, UnicodeGroups,
/// ClassNL), written after regexp/syntax/parse.go of Go 1.19, which is what kube-apiserver compiles CRD patterns
/// with. It refuses what Go refuses with Go's error text (code and offending expression), and builds a small tree
/// for Go's nested repeat-count rule and for translating the pattern to .NET for matching.
/// Not modelled: Go's size and nesting-depth limits ("expression too large", "expression nests too deeply"),
/// which only patterns far beyond a CRD's needs reach; invalid UTF-8 cannot occur in a .NET string.
/// </summary>
internal sealed class Re2Parser
{
    private const int MaxRepeat = 1000;

    private readonly string _s;
    private readonly Stack<Frame> _frames = new();
    private Flags _flags = Flags.OneLine;

    private Re2Parser(string s)
    {
        _s = s;
        _frames.Push(new Frame(Capturing: false, SavedFlags: _flags, IsRoot: true));
    }

    [Flags]
    private enum Flags
    {
        None = 0,
        FoldCase = 1,
        OneLine = 2,
        DotNewline = 4,
        NonGreedy = 8,
    }

    /// <summary>Parses a pattern; throws <see cref="Re2SyntaxException"/> with Go's message when Go refuses it.</summary>
    public static Re2Node Parse(string pattern) => new Re2Parser(pattern).Run();

    /// <summary>Go's verdict: null when regexp.Compile accepts the pattern, else its error text.</summary>
    public static string? Check(string pattern)
    {
        try
        {
            _ = Parse(pattern);
            return null;
        }
        catch (Re2SyntaxException e)
        {
            return e.Message;
        }
    }

    private Frame Top => _frames.Peek();

    private Re2Node Run()
    {
        var s = _s;
        var i = 0;
        var lastRepeat = -1;
        while (i < s.Length)
        {
            var repeat = -1;
            switch (s[i])
            {
                case '(' when i + 1 < s.Length && s[i + 1] == '?':
                    i = ParsePerlFlags(i);
                    break;
                case '(':
                    _frames.Push(new Frame(Capturing: true, SavedFlags: _flags, IsRoot: false));
                    i++;
                    break;
                case '|':
                    Top.Alternatives.Add(Concat(Top.Current));
                    Top.Current.Clear();
                    i++;
                    break;
                case ')':
                    CloseGroup();
                    i++;
                    break;
                case '^':
                    Push(new Re2Assertion(Has(Flags.OneLine) ? Re2AssertionKind.BeginText : Re2AssertionKind.BeginLine));
                    i++;
                    break;
                case '$':
                    Push(new Re2Assertion(Has(Flags.OneLine) ? Re2AssertionKind.EndText : Re2AssertionKind.EndLine));
                    i++;
                    break;
                case '.':
                    Push(new Re2AnyChar(Has(Flags.DotNewline)));
                    i++;
                    break;
                case '[':
                    i = ParseClass(i);
                    break;
                case '*' or '+' or '?':
                    {
                        var (min, max) = s[i] switch { '*' => (0, -1), '+' => (1, -1), _ => (0, 1) };
                        repeat = i;
                        i = Repeat(min, max, counted: false, i, i + 1, lastRepeat);
                        break;
                    }

                case '{':
                    {
                        if (!TryParseRepeat(i, out var min, out var max, out var after))
                        {
                            // As in Go: a { that does not start a well-formed repeat is a literal.
                            Push(new Re2Literal('{', Has(Flags.FoldCase)));
                            i++;
                            break;
                        }

                        if (min < 0 || min > MaxRepeat || max > MaxRepeat || (max >= 0 && min > max))
                        {
                            throw Error(Re2ErrorCodes.InvalidRepeatSize, i, after);
                        }

                        repeat = i;
                        i = Repeat(min, max, counted: true, i, after, lastRepeat);
                        break;
                    }

                case '\\':
                    i = ParseBackslash(i);
                    break;
                default:
                    {
                        var (rune, next) = NextRune(i);
                        Push(Literal(rune));
                        i = next;
                        break;
                    }
            }

            lastRepeat = repeat;
        }

        if (_frames.Count > 1)
        {
            throw new Re2SyntaxException(Re2ErrorCodes.MissingParen, s);
        }

        return Finish(Top);
    }

    private int ParseBackslash(int i)
    {
        var s = _s;
        if (i + 1 < s.Length)
        {
            switch (s[i + 1])
            {
                case 'A':
                    Push(new Re2Assertion(Re2AssertionKind.BeginText));
                    return i + 2;
                case 'b':
                    Push(new Re2Assertion(Re2AssertionKind.WordBoundary));
                    return i + 2;
                case 'B':
                    Push(new Re2Assertion(Re2AssertionKind.NoWordBoundary));
                    return i + 2;
                case 'C':
                    // Any byte: Go refuses it.
                    throw Error(Re2ErrorCodes.InvalidEscape, i, i + 2);
                case 'Q':
                    {
                        // \Q...\E: everything up to \E (or the end) is literal.
                        var end = s.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                        var litEnd = end < 0 ? s.Length : end;
                        for (var k = i + 2; k < litEnd;)
                        {
                            var (rune, next) = NextRune(k);
                            Push(Literal(rune));
                            k = next;
                        }

                        return end < 0 ? s.Length : end + 2;
                    }

                case 'z':
                    Push(new Re2Assertion(Re2AssertionKind.EndText));
                    return i + 2;
            }
        }

        if (TryParseUnicodeClass(i, out var unicode, out var afterUnicode))
        {
            Push(new Re2Class([unicode], Negated: false, Has(Flags.FoldCase)));
            return afterUnicode;
        }

        if (TryParsePerlClass(i, out var perl))
        {
            Push(new Re2Class([perl], Negated: false, Has(Flags.FoldCase)));
            return i + 2;
        }

        var (r, rest) = ParseEscape(i);
        Push(Literal(r));
        return rest;
    }

    /// <summary>Applies a repetition to the last atom; returns the index after the operator (and a non-greedy ?).</summary>
    private int Repeat(int min, int max, bool counted, int before, int after, int lastRepeat)
    {
        var greedy = !Has(Flags.NonGreedy);
        if (after < _s.Length && _s[after] == '?')
        {
            after++;
            greedy = !greedy;
        }

        if (lastRepeat >= 0)
        {
            // Perl forbids stacking repetition operators: a** and a*+ (possessive) are errors, not doubled stars.
            throw Error(Re2ErrorCodes.InvalidRepeatOp, lastRepeat, after);
        }

        var current = Top.Current;
        if (current.Count == 0)
        {
            throw Error(Re2ErrorCodes.MissingRepeatArgument, before, after);
        }

        var node = new Re2Repeat(current[^1], min, max, greedy, counted);
        current[^1] = node;
        if (counted && (min >= 2 || max >= 2) && !RepeatIsValid(node, MaxRepeat))
        {
            throw Error(Re2ErrorCodes.InvalidRepeatSize, before, after);
        }

        return after;
    }

    /// <summary>
    /// Go's rule: the product of nested {n,m} counts may not exceed 1000 copies of the innermost thing,
    /// so (a{500}){3} is "invalid repeat count" although each count alone is fine.
    /// </summary>
    private static bool RepeatIsValid(Re2Node node, int n)
    {
        if (node is Re2Repeat { Counted: true } r)
        {
            var m = r.Max;
            if (m == 0)
            {
                return true;
            }

            if (m < 0)
            {
                m = r.Min;
            }

            if (m > n)
            {
                return false;
            }

            if (m > 0)
            {
                n /= m;
            }
        }

        return node switch
        {
            Re2Repeat rep => RepeatIsValid(rep.Sub, n),
            Re2Capture c => RepeatIsValid(c.Sub, n),
            Re2Concat cat => cat.Subs.All(x => RepeatIsValid(x, n)),
            Re2Alternate alt => alt.Subs.All(x => RepeatIsValid(x, n)),
            _ => true,
        };
    }

    /// <summary>{n}, {n,} or {n,m}; false when the text is not of that form (then { is a literal).</summary>
    private bool TryParseRepeat(int i, out int min, out int max, out int after)
    {
        var s = _s;
        min = max = after = 0;
        var j = i + 1;
        if (!TryParseInt(ref j, out min) || j >= s.Length)
        {
            return false;
        }

        if (s[j] != ',')
        {
            max = min;
        }
        else
        {
            j++;
            if (j >= s.Length)
            {
                return false;
            }

            if (s[j] == '}')
            {
                max = -1;
            }
            else if (!TryParseInt(ref j, out max))
            {
                return false;
            }
            else if (max < 0)
            {
                min = -1;
            }
        }

        if (j >= s.Length || s[j] != '}')
        {
            return false;
        }

        after = j + 1;
        return true;
    }

    /// <summary>A decimal without leading zeros; -1 when it is too big (Go stops counting at 1e8).</summary>
    private bool TryParseInt(ref int j, out int n)
    {
        var s = _s;
        n = 0;
        if (j >= s.Length || !char.IsAsciiDigit(s[j]))
        {
            return false;
        }

        if (j + 1 < s.Length && s[j] == '0' && char.IsAsciiDigit(s[j + 1]))
        {
            return false;
        }

        for (; j < s.Length && char.IsAsciiDigit(s[j]); j++)
        {
            if (n < 0)
            {
                continue;
            }

            n = n >= 100_000_000 ? -1 : (n * 10) + (s[j] - '0');
        }

        return true;
    }

    private int ParsePerlFlags(int start)
    {
        var s = _s;

        // Named captures: only Python's (?P<name>...), as in Go 1.19. (?<name>...) is refused here although
        // Go 1.22 accepts it: a CRD using it fails on clusters built with older Go (Kubernetes 1.29 and before).
        if (s.Length - start > 4 && s[start + 2] == 'P' && s[start + 3] == '<')
        {
            var end = s.IndexOf('>', start);
            if (end < 0)
            {
                throw new Re2SyntaxException(Re2ErrorCodes.InvalidNamedCapture, s[start..]);
            }

            var name = s[(start + 4)..end];
            if (name.Length == 0 || !name.All(c => c == '_' || char.IsAsciiLetterOrDigit(c)))
            {
                throw Error(Re2ErrorCodes.InvalidNamedCapture, start, end + 1);
            }

            _frames.Push(new Frame(Capturing: true, SavedFlags: _flags, IsRoot: false));
            return end + 1;
        }

        var t = start + 2;
        var flags = _flags;
        var negate = false;
        var sawFlag = false;
        while (t < s.Length)
        {
            var (c, next) = NextRune(t);
            t = next;
            switch (c)
            {
                case 'i':
                    flags = negate ? flags & ~Flags.FoldCase : flags | Flags.FoldCase;
                    sawFlag = true;
                    continue;
                case 'm':
                    // m clears OneLine: ^ and $ then match at line boundaries.
                    flags = negate ? flags | Flags.OneLine : flags & ~Flags.OneLine;
                    sawFlag = true;
                    continue;
                case 's':
                    flags = negate ? flags & ~Flags.DotNewline : flags | Flags.DotNewline;
                    sawFlag = true;
                    continue;
                case 'U':
                    flags = negate ? flags & ~Flags.NonGreedy : flags | Flags.NonGreedy;
                    sawFlag = true;
                    continue;
                case '-' when !negate:
                    negate = true;
                    sawFlag = false;
                    continue;
                case ':' or ')' when !negate || sawFlag:
                    if (c == ':')
                    {
                        _frames.Push(new Frame(Capturing: false, SavedFlags: _flags, IsRoot: false));
                    }

                    _flags = flags;
                    return t;
            }

            break;
        }

        // Lookaround (?= (?! (?<= (?<!, atomic (?>, comments (?#, (?<name> and (?P=name) all end here.
        throw Error(Re2ErrorCodes.InvalidPerlOp, start, t);
    }

    private void CloseGroup()
    {
        var frame = Top;
        if (frame.IsRoot)
        {
            throw new Re2SyntaxException(Re2ErrorCodes.UnexpectedParen, _s);
        }

        _frames.Pop();
        _flags = frame.SavedFlags;
        var node = Finish(frame);
        Push(frame.Capturing ? new Re2Capture(node) : node);
    }

    private int ParseClass(int start)
    {
        var s = _s;
        var t = start + 1;
        var negated = false;
        if (t < s.Length && s[t] == '^')
        {
            // With ClassNL (part of syntax.Perl) a negated class also matches \n.
            negated = true;
            t++;
        }

        var items = new List<Re2ClassItem>();
        var first = true;
        while (t >= s.Length || s[t] != ']' || first)
        {
            first = false;
            if (s.Length - t > 2 && s[t] == '[' && s[t + 1] == ':')
            {
                var close = s.IndexOf(":]", t + 2, StringComparison.Ordinal);
                if (close >= 0)
                {
                    var whole = s[t..(close + 2)];
                    var name = s[(t + 2)..close];
                    var neg = name.StartsWith('^');
                    if (!Re2Tables.Posix.TryGetValue(neg ? name[1..] : name, out var body))
                    {
                        throw new Re2SyntaxException(Re2ErrorCodes.InvalidCharRange, whole);
                    }

                    items.Add(new Re2ClassItem(body, neg));
                    t = close + 2;
                    continue;
                }
            }

            if (TryParseUnicodeClass(t, out var unicode, out var afterUnicode))
            {
                items.Add(unicode);
                t = afterUnicode;
                continue;
            }

            if (TryParsePerlClass(t, out var perl))
            {
                items.Add(perl);
                t += 2;
                continue;
            }

            var rangeStart = t;
            (var lo, t) = ParseClassChar(t, start);
            var hi = lo;
            if (s.Length - t >= 2 && s[t] == '-' && s[t + 1] != ']')
            {
                (hi, t) = ParseClassChar(t + 1, start);
                if (hi < lo)
                {
                    throw Error(Re2ErrorCodes.InvalidCharRange, rangeStart, t);
                }
            }

            items.Add(new Re2ClassItem(lo == hi ? Re2Translator.ClassChar(lo) : $"{Re2Translator.ClassChar(lo)}-{Re2Translator.ClassChar(hi)}", Negated: false,
                hi > 0xFFFF ? "a class range beyond U+FFFF" : null));
        }

        Push(new Re2Class(items, negated, Has(Flags.FoldCase)));
        return t + 1;
    }

    private (int Rune, int Next) ParseClassChar(int t, int classStart)
    {
        if (t >= _s.Length)
        {
            throw new Re2SyntaxException(Re2ErrorCodes.MissingBracket, _s[classStart..]);
        }

        return _s[t] == '\\' ? ParseEscape(t) : NextRune(t);
    }

    private bool TryParsePerlClass(int t, out Re2ClassItem item)
    {
        item = null!;
        if (t + 1 >= _s.Length || _s[t] != '\\' || !Re2Tables.Perl.TryGetValue(char.ToLowerInvariant(_s[t + 1]), out var body)
            || !"dDsSwW".Contains(_s[t + 1], StringComparison.Ordinal))
        {
            return false;
        }

        item = new Re2ClassItem(body, char.IsUpper(_s[t + 1]));
        return true;
    }

    /// <summary>\pL, \p{Greek}, \PL, \p{^L}: Go's categories, scripts and Any.</summary>
    private bool TryParseUnicodeClass(int t, out Re2ClassItem item, out int after)
    {
        var s = _s;
        item = null!;
        after = t;
        if (s.Length - t < 2 || s[t] != '\\' || (s[t + 1] != 'p' && s[t + 1] != 'P'))
        {
            return false;
        }

        var negated = s[t + 1] == 'P';
        string seq, name;
        if (t + 2 >= s.Length || s[t + 2] != '{')
        {
            var end = t + 2 >= s.Length ? t + 2 : NextRune(t + 2).Next;
            seq = s[t..end];
            name = seq[2..];
            after = end;
        }
        else
        {
            var close = s.IndexOf('}', t);
            if (close < 0)
            {
                throw new Re2SyntaxException(Re2ErrorCodes.InvalidCharRange, s[t..]);
            }

            seq = s[t..(close + 1)];
            name = s[(t + 3)..close];
            after = close + 1;
        }

        if (name.StartsWith('^'))
        {
            negated = !negated;
            name = name[1..];
        }

        if (Re2Tables.Categories.TryGetValue(name, out var body))
        {
            item = new Re2ClassItem(body, negated);
            return true;
        }

        if (Re2Tables.Scripts.Contains(name))
        {
            item = new Re2ClassItem("", negated, $"the Unicode script \\p{{{name}}}");
            return true;
        }

        throw new Re2SyntaxException(Re2ErrorCodes.InvalidCharRange, seq);
    }

    /// <summary>A single-character escape (Go's parseEscape): octal, \x, \x{...}, control letters, escaped punctuation.</summary>
    private (int Rune, int Next) ParseEscape(int i)
    {
        var s = _s;
        var t = i + 1;
        if (t >= s.Length)
        {
            throw new Re2SyntaxException(Re2ErrorCodes.TrailingBackslash, "");
        }

        var (c, next) = NextRune(t);
        t = next;
        switch (c)
        {
            case < 0x80 when !IsAsciiAlnum(c):
                // Escaped punctuation is itself; \_ too (Go's isalnum excludes _).
                return (c, t);
            case >= '1' and <= '7' when t >= s.Length || s[t] < '0' || s[t] > '7':
                // \1 alone would be a backreference: RE2 has none. \12 is octal.
                break;
            case >= '0' and <= '7':
                {
                    var r = c - '0';
                    for (var k = 1; k < 3 && t < s.Length && s[t] >= '0' && s[t] <= '7'; k++, t++)
                    {
                        r = (r * 8) + (s[t] - '0');
                    }

                    return (r, t);
                }

            case 'x' when t < s.Length:
                {
                    (c, t) = NextRune(t);
                    if (c == '{')
                    {
                        var digits = 0;
                        var r = 0;
                        while (true)
                        {
                            if (t >= s.Length)
                            {
                                throw Error(Re2ErrorCodes.InvalidEscape, i, t);
                            }

                            (c, t) = NextRune(t);
                            if (c == '}')
                            {
                                break;
                            }

                            var v = Unhex(c);
                            if (v < 0)
                            {
                                throw Error(Re2ErrorCodes.InvalidEscape, i, t);
                            }

                            r = (r * 16) + v;
                            if (r > 0x10FFFF)
                            {
                                throw Error(Re2ErrorCodes.InvalidEscape, i, t);
                            }

                            digits++;
                        }

                        if (digits == 0)
                        {
                            throw Error(Re2ErrorCodes.InvalidEscape, i, t);
                        }

                        return (r, t);
                    }

                    var x = Unhex(c);
                    var y = -1;
                    if (t < s.Length)
                    {
                        (c, t) = NextRune(t);
                        y = Unhex(c);
                    }

                    if (x < 0 || y < 0)
                    {
                        break;
                    }

                    return ((x * 16) + y, t);
                }

            case 'a':
                return (7, t);
            case 'f':
                return ('\f', t);
            case 'n':
                return ('\n', t);
            case 'r':
                return ('\r', t);
            case 't':
                return ('\t', t);
            case 'v':
                return ('\v', t);
        }

        // \Z, \e, \8, \1, \k, \G, \é and friends.
        throw Error(Re2ErrorCodes.InvalidEscape, i, t);
    }

    private (int Rune, int Next) NextRune(int i)
    {
        if (char.IsHighSurrogate(_s[i]) && i + 1 < _s.Length && char.IsLowSurrogate(_s[i + 1]))
        {
            return (char.ConvertToUtf32(_s[i], _s[i + 1]), i + 2);
        }

        return (_s[i], i + 1);
    }

    private static bool IsAsciiAlnum(int c) => c < 0x80 && char.IsAsciiLetterOrDigit((char)c);

    private static int Unhex(int c) => c < 0x80 && char.IsAsciiHexDigit((char)c) ? int.Parse(((char)c).ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : -1;

    private Re2SyntaxException Error(string code, int from, int to) => new(code, _s[from..to]);

    private bool Has(Flags f) => (_flags & f) != 0;

    private Re2Literal Literal(int rune) => new(rune, Has(Flags.FoldCase));

    private void Push(Re2Node node) => Top.Current.Add(node);

    private static Re2Node Finish(Frame frame)
    {
        var last = Concat(frame.Current);
        if (frame.Alternatives.Count == 0)
        {
            return last;
        }

        return new Re2Alternate([.. frame.Alternatives, last]);
    }

    private static Re2Node Concat(List<Re2Node> items) => items.Count switch
    {
        0 => new Re2Empty(),
        1 => items[0],
        _ => new Re2Concat([.. items]),
    };

    /// <summary>An open group: the alternatives finished so far and the concatenation being read.</summary>
    private sealed record Frame(bool Capturing, Flags SavedFlags, bool IsRoot)
    {
        public List<Re2Node> Alternatives { get; } = [];

        public List<Re2Node> Current { get; } = [];
    }
}
