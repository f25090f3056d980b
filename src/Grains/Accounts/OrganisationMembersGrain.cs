using CivicContracting.Hosting;
using CivicContracting.Validation;

namespace CivicContracting.Accounts;

/// <summary>One organisation's member list (see <see cref="IOrganisationMembersGrain"/>). Calls no other grain.</summary>
public sealed class OrganisationMembersGrain(
    [PersistentState("members", GrainStorage.Name)] IPersistentState<OrganisationMembersState> state) : Grain, IOrganisationMembersGrain
{
    public const int MaxMembers = 10_000;

    public async Task Set(OrganisationMember member)
    {
        var errors = AccountRules.Id("accountId", member?.AccountId);
        if (member is not null)
        {
            errors.Text("displayName", member.DisplayName, InputRules.MaxNameLength);
            errors.Enum("role", member.Role);
        }
        errors.ThrowIfAny();
        var index = state.State.Members.FindIndex(m => m.AccountId == member!.AccountId);
        if (index >= 0 && state.State.Members[index] == member)
            return;
        if (index >= 0)
            state.State.Members[index] = member!;
        else if (state.State.Members.Count >= MaxMembers)
            throw new StateConflictException($"An organisation has at most {MaxMembers} members.");
        else
            state.State.Members.Add(member!);
        await state.WriteStateAsync();
    }

    public async Task Remove(string accountId)
    {
        AccountRules.Id("accountId", accountId).ThrowIfAny();
        if (state.State.Members.RemoveAll(m => m.AccountId == accountId) > 0)
            await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<OrganisationMember>> List() =>
        Task.FromResult<IReadOnlyList<OrganisationMember>>([.. state.State.Members
            .OrderBy(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.CurrentCulture).ThenBy(m => m.AccountId, StringComparer.Ordinal)]);
}
