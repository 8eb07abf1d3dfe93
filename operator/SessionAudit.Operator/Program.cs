using SessionAudit.Operator.Cli;
using SessionAudit.Operator.Hosting;

// First, before the host starts its threads: arenas that threads already made are kept (NativeHeap).
NativeHeap.LimitArenas();
return await SessionAuditCli.RunAsync(args, Console.Out, Console.Error);
