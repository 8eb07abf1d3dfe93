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
        string tmp = path + ".tmp";
        using (var s = File.Create(tmp)) JsonSerializer.Serialize(s, world, Options);
        File.Move(tmp, path, overwrite: true);
    }
}
