using System.Runtime.InteropServices;

namespace SessionAudit.Operator.Hosting;

/// <summary>A token cancelled by SIGINT (Ctrl+C) or SIGTERM, which it takes so the process ends through its own shutdown path.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly PosixSignalRegistration[] registrations;

    public ShutdownSignal(CancellationToken linked)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(linked);
        registrations = [Register(PosixSignal.SIGINT), Register(PosixSignal.SIGTERM)];
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        foreach (var r in registrations)
        {
            r.Dispose();
        }

        source.Dispose();
    }

    private PosixSignalRegistration Register(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        source.Cancel();
    });
}
