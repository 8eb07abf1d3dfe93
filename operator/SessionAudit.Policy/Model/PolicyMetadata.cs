namespace SessionAudit.Policy.Model;

/// <summary>The parts of a policy's Kubernetes metadata the domain needs.</summary>
/// <param name="Name">metadata.name (cluster-scoped).</param>
/// <param name="Uid">metadata.uid.</param>
/// <param name="Generation">metadata.generation.</param>
/// <param name="CreationTimestamp">metadata.creationTimestamp; orders conflicting policies.</param>
/// <param name="DeletionRequested">True when metadata.deletionTimestamp is set.</param>
public sealed record PolicyMetadata(string Name, string Uid, long Generation, DateTimeOffset CreationTimestamp, bool DeletionRequested = false);
