namespace SessionAudit.Policy.Ports;

/// <summary>Gives the ports for one account (role) and region, so one operator serves many accounts and regions.</summary>
public interface IAwsScopeFactory
{
    /// <summary>Returns the ports bound to <paramref name="scope"/>. Cheap: implementations cache clients per scope.</summary>
    IAwsEnvironment For(AwsScope scope);
}
