namespace SessionAudit.Reporting.Readiness;

/// <summary>How much a readiness finding matters: warnings are counted in the summary, notes are advice.</summary>
public enum ReadinessSeverity
{
    /// <summary>Advice the report cannot verify from the API (e.g. whether <c>screen</c> is installed).</summary>
    Note,

    /// <summary>Session logs on this node are known to be poor or sessions will fail.</summary>
    Warning,
}
