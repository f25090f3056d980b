namespace CivicContracting.Accounts;

[GenerateSerializer, Alias("cc.OrganisationMembersState.v1")]
public sealed class OrganisationMembersState
{
    [Id(0)] public List<OrganisationMember> Members { get; set; } = [];
}
