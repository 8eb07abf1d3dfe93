using SessionAudit.Operator.Cli;

return await SessionAuditCli.RunAsync(args, Console.Out, Console.Error);
