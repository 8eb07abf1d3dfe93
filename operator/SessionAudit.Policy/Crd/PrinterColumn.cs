namespace SessionAudit.Policy.Crd;

/// <summary>An additionalPrinterColumns entry.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority = 0);
