namespace CivicContracting.Accounts;

[GenerateSerializer, Alias("cc.KeyRingState.v1")]
public sealed class KeyRingState
{
    [Id(0)] public List<KeyRingEntry> Entries { get; set; } = [];
}
