namespace SessionAudit.Reporting.Model;

/// <summary>Sessions started on one UTC day, and how many of them were not logged.</summary>
public sealed record DayCount(DateOnly Day, int Sessions, int Unlogged);
