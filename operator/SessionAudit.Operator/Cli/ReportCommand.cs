using System.CommandLine;
using SessionAudit.Operator.Reports;
using SessionAudit.Policy.Ports;
using SessionAudit.Reporting.Engine;
using SessionAudit.Reporting.Model;
using SessionAudit.Reporting.Rendering;

namespace SessionAudit.Operator.Cli;

/// <summary>`session-audit report`: every Session Manager connection of the last days, as a table, CSV, JSON or HTML.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Report every Session Manager connection of the last 30 days (or fewer), flagging sessions that were not logged and instances that log badly.");
        var region = CliOptions.Region();
        var roleArn = CliOptions.RoleArn();
        var externalId = CliOptions.ExternalId();
        var days = new Option<int>("--days")
        {
            Description = "Days of history, 1 to 30 (AWS keeps 30).",
            DefaultValueFactory = _ => ReportOptions.MaxDays,
        };
        days.Validators.Add(r =>
        {
            // A value that is not a number is reported by the parser itself; reading it here would throw.
            if (r.Tokens.Count == 0 || !int.TryParse(r.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                return;
            }

            if (v is < 1 or > ReportOptions.MaxDays)
            {
                r.AddError($"--days must be between 1 and {ReportOptions.MaxDays} (AWS keeps {ReportOptions.MaxDays} days of session history), not {v}");
            }
        });
        var format = new Option<string>("--format")
        {
            Description = "table (default) for a terminal, csv or json for tools, html for people.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "html");
        var kms = new Option<bool>("--kms-encryption")
        {
            Description = "Session data is KMS-encrypted: flag instances whose SSM Agent is older than 2.3.539.0.",
        };
        var grace = new Option<int>("--log-grace-minutes")
        {
            Description = "Minutes after a session's end during which a log not found yet counts as on its way (unknown), not missing; 0 to 1440.",
            DefaultValueFactory = _ => (int)ReportOptions.DefaultLogGracePeriod.TotalMinutes,
        };
        grace.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0 || !int.TryParse(r.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                return;
            }

            if (v is < 0 or > 1440)
            {
                r.AddError($"--log-grace-minutes must be between 0 and 1440, not {v}");
            }
        });
        var output = CliOptions.Output();
        command.Options.Add(region);
        command.Options.Add(roleArn);
        command.Options.Add(externalId);
        command.Options.Add(days);
        command.Options.Add(format);
        command.Options.Add(kms);
        command.Options.Add(grace);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var scope = new AwsScope(AwsCli.Region(parse.GetValue(region)), parse.GetValue(roleArn), parse.GetValue(externalId));
            await using var aws = AwsCli.Create();
            var options = new ReportOptions
            {
                Account = await ReportAccount.OfAsync(aws.Scopes, scope, ct),
                Region = scope.Region,
                Days = parse.GetValue(days),
                KmsEncryptionConfigured = parse.GetValue(kms),
                LogGracePeriod = TimeSpan.FromMinutes(parse.GetValue(grace)),
                MaxRetainedRows = parse.GetValue(format) == "table" ? int.MaxValue : ReportOptions.DefaultMaxRetainedRows,
            };
            var engine = new SessionReportEngine(aws.Scopes.SessionActivity(scope), TimeProvider.System);
            var file = parse.GetValue(output);
            await using var stream = file is null ? Console.OpenStandardOutput() : OpenOutput(file);
            var stderr = parse.InvocationConfiguration.Error;
            var progress = Console.IsErrorRedirected ? null : new Progress<ReportProgress>(p => stderr.Write($"\rread {p.SessionsRead} sessions, {p.InstancesRead} instances"));
            try
            {
                await WriteAsync(parse.GetValue(format)!, engine, options, stream, progress, ct);
            }
            catch (AwsFailure failure)
            {
                await stderr.WriteLineAsync($"session-audit: report failed: {failure.Message}");
                return 1;
            }
            finally
            {
                if (progress is not null)
                {
                    await stderr.WriteAsync("\r\u001b[K");
                }
            }

            return 0;
        });
        return command;
    }

    private static async Task WriteAsync(string format, SessionReportEngine engine, ReportOptions options, Stream stream, IProgress<ReportProgress>? progress, CancellationToken ct)
    {
        switch (format)
        {
            case "csv":
                {
                    await using var text = new StreamWriter(stream, leaveOpen: true);
                    var csv = new CsvReportWriter(text, options.Account, options.Region);
                    await engine.RunAsync(options, csv, progress, ct);
                    await csv.CompleteAsync(ct);
                    break;
                }

            case "json":
                {
                    var json = new JsonReportWriter(stream, indented: true);
                    await using (json)
                    {
                        var report = await engine.RunAsync(options, json, progress, ct);
                        await json.CompleteAsync(report, ct);
                    }

                    break;
                }

            case "html":
                {
                    var report = await engine.RunAsync(options, null, progress, ct);
                    await using var text = new StreamWriter(stream, leaveOpen: true);
                    await HtmlReportRenderer.RenderAsync(report, text, ct);
                    break;
                }

            default:
                {
                    var report = await engine.RunAsync(options, null, progress, ct);
                    await using var text = new StreamWriter(stream, leaveOpen: true);
                    await TableReportRenderer.RenderAsync(report, text, ct);
                    break;
                }
        }
    }

    private static FileStream OpenOutput(FileInfo file)
    {
        try
        {
            return file.Create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--output: cannot write {file.FullName}: {e.Message}");
        }
    }
}
