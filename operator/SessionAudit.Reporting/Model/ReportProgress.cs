using SessionAudit.Reporting.Ports;

namespace SessionAudit.Reporting.Model;

/// <summary>How far the report has read, for a progress indicator while pages arrive.</summary>
/// <param name="Phase">The session list being read, or null once reading the managed nodes.</param>
public sealed record ReportProgress(SessionState? Phase, int SessionsRead, int InstancesRead);
