using SessionAudit.Operator.Hosting;
using Xunit;

namespace SessionAudit.Operator.Tests;

public sealed class NativeHeapTests
{
    [Fact]
    public void Glibc_takes_the_arena_limit_unless_the_environment_set_one()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && (File.Exists("/lib/x86_64-linux-gnu/libc.so.6") || File.Exists("/lib/aarch64-linux-gnu/libc.so.6")), "needs glibc");
        Assert.Equal(Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not { Length: > 0 }, NativeHeap.LimitArenas());
    }
}
