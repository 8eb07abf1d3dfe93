using Microsoft.Extensions.DependencyInjection;
using SessionAudit.Kubernetes.Controller;

namespace SessionAudit.Kubernetes.Hosting;

/// <summary>Resolves the reconciler in a fresh DI scope per reconcile, so scoped services live one reconcile.</summary>
internal sealed class ScopedReconciler<T>(IServiceScopeFactory scopes) : IReconciler<T>
{
    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest req, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IReconciler<T>>().ReconcileAsync(req, ct).ConfigureAwait(false);
    }
}
