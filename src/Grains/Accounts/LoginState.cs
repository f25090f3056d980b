namespace CivicContracting.Accounts;

[GenerateSerializer, Alias("cc.LoginState.v1")]
public sealed class LoginState
{
    [Id(0)] public string? AccountId { get; set; }
}
