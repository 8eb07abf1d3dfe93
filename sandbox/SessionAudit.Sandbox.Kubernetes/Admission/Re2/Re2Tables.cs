namespace SessionAudit.Sandbox.Kubernetes.Admission.Re2;

/// <summary>The named classes Go's regexp knows (regexp/syntax/perl_groups.go, unicode/tables.go of Go 1.19, Unicode 13.0.0).</summary>
internal static class Re2Tables
{
    private const string Word = "0-9A-Za-z_";

    /// <summary>\d \s \w: ASCII only in RE2 (\s has no \v).</summary>
    public static readonly IReadOnlyDictionary<char, string> Perl = new Dictionary<char, string>
    {
        ['d'] = "0-9",
        ['s'] = @"\t\n\f\r\u0020",
        ['w'] = Word,
    };

    /// <summary>[[:name:]] classes, ASCII only.</summary>
    public static readonly IReadOnlyDictionary<string, string> Posix = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = @"\u0000-\u007F",
        ["blank"] = @"\t\u0020",
        ["cntrl"] = @"\u0000-\u001F\u007F",
        ["digit"] = "0-9",
        ["graph"] = @"\u0021-\u007E",
        ["lower"] = "a-z",
        ["print"] = @"\u0020-\u007E",
        ["punct"] = @"\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E",
        ["space"] = @"\t\n\v\f\r\u0020",
        ["upper"] = "A-Z",
        ["word"] = Word,
        ["xdigit"] = "0-9A-Fa-f",
    };

    /// <summary>General categories as .NET class bodies. Go's C is Cc|Cf|Co|Cs (no Cn), unlike .NET's \p{C}.</summary>
    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["C"] = @"\p{Cc}\p{Cf}\p{Co}\p{Cs}",
        ["Cc"] = @"\p{Cc}",
        ["Cf"] = @"\p{Cf}",
        ["Co"] = @"\p{Co}",
        ["Cs"] = @"\p{Cs}",
        ["L"] = @"\p{L}",
        ["Ll"] = @"\p{Ll}",
        ["Lm"] = @"\p{Lm}",
        ["Lo"] = @"\p{Lo}",
        ["Lt"] = @"\p{Lt}",
        ["Lu"] = @"\p{Lu}",
        ["M"] = @"\p{M}",
        ["Mc"] = @"\p{Mc}",
        ["Me"] = @"\p{Me}",
        ["Mn"] = @"\p{Mn}",
        ["N"] = @"\p{N}",
        ["Nd"] = @"\p{Nd}",
        ["Nl"] = @"\p{Nl}",
        ["No"] = @"\p{No}",
        ["P"] = @"\p{P}",
        ["Pc"] = @"\p{Pc}",
        ["Pd"] = @"\p{Pd}",
        ["Pe"] = @"\p{Pe}",
        ["Pf"] = @"\p{Pf}",
        ["Pi"] = @"\p{Pi}",
        ["Po"] = @"\p{Po}",
        ["Ps"] = @"\p{Ps}",
        ["S"] = @"\p{S}",
        ["Sc"] = @"\p{Sc}",
        ["Sk"] = @"\p{Sk}",
        ["Sm"] = @"\p{Sm}",
        ["So"] = @"\p{So}",
        ["Z"] = @"\p{Z}",
        ["Zl"] = @"\p{Zl}",
        ["Zp"] = @"\p{Zp}",
        ["Zs"] = @"\p{Zs}",
        ["Any"] = @"\u0000-\uFFFF",
    };

    /// <summary>Unicode scripts Go 1.19 knows; .NET has no script classes, so the sandbox accepts them but cannot match them.</summary>
    public static readonly IReadOnlySet<string> Scripts = new HashSet<string>(StringComparer.Ordinal)
    {
        "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic", "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Ugaritic", "Vai", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square"
    };
}
