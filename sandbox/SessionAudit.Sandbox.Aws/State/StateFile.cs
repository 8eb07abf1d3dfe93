using System.Text.Json;

namespace SessionAudit.Sandbox.Aws.State;

/// <summary>Keeps the world across restarts as one JSON file.</summary>
internal static class StateFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static World Load(string path)
    {
        using var s = File.OpenRead(path);
        return JsonSerializer.Deserialize<World>(s, Options) ?? new World();
    }

    public static void Save(string path, World world)
    {
        // The state names accounts' resources: owner-only (0600), and a link planted at the temporary path is replaced,
        // never followed; the rename then replaces the old file (or a link there) itself.
        string tmp = path + ".tmp";
        File.Delete(tmp);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var s = new FileStream(tmp, options)) JsonSerializer.Serialize(s, world, Options);
        File.Move(tmp, path, overwrite: true);
    }
}
