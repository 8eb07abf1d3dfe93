namespace SessionAudit.Operator.Cli;

/// <summary>Writes a verb's result to -o FILE or standard output.</summary>
internal static class OutputFile
{
    public static async Task WriteAsync(FileInfo? file, TextWriter stdout, string text, CancellationToken ct)
    {
        if (file is null)
        {
            await stdout.WriteAsync(text.AsMemory(), ct);
            return;
        }

        try
        {
            await File.WriteAllTextAsync(file.FullName, text, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--output: cannot write {file.FullName}: {e.Message}");
        }
    }

    public static string ReadInput(FileInfo file, string flag)
    {
        try
        {
            return file.Name == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag}: cannot read {file.FullName}: {e.Message}");
        }
    }
}
