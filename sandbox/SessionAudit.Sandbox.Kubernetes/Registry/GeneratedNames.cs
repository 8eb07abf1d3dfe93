namespace SessionAudit.Sandbox.Kubernetes.Registry;

/// <summary>metadata.generateName: the prefix plus five random characters from the alphabet apimachinery uses.</summary>
internal sealed class GeneratedNames(Random random)
{
    private static readonly char[] NameAlphabet = "bcdfghjklmnpqrstvwxz2456789".ToCharArray();

    public string From(string prefix) => prefix + RandomSuffix();

    private string RandomSuffix()
    {
        var chars = new char[5];
        lock (random)
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = NameAlphabet[random.Next(NameAlphabet.Length)];
            }
        }

        return new string(chars);
    }
}
