namespace SessionAudit.Sandbox.Aws.Tests;

/// <summary>Starts sandboxes for tests and disposes them.</summary>
public static class Sandboxes
{
    public static Task<AwsSandbox> StartAsync(string? seedYaml = null, AwsSandboxOptions? options = null)
    {
        return StartCoreAsync(seedYaml, options ?? new AwsSandboxOptions());
    }

    private static async Task<AwsSandbox> StartCoreAsync(string? seedYaml, AwsSandboxOptions options)
    {
        var sandbox = await AwsSandbox.StartAsync(options, TestContext.Current.CancellationToken);
        if (seedYaml is not null) sandbox.ApplySeed(seedYaml);
        return sandbox;
    }
}
