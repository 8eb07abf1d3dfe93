namespace SessionAudit.Reporting.Model;

/// <summary>A target or owner and its number of sessions, for the top lists.</summary>
public sealed record NameCount(string Name, int Sessions);
