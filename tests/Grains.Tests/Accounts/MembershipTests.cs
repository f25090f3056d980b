using CivicContracting.Accounts;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public sealed class MembershipTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_person_acts_as_their_own_resident_and_for_organisations_with_a_role()
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident);
        var school = await TestData.Participant(Grains, ParticipantKind.School);
        var shop = await TestData.Participant(Grains, ParticipantKind.Business);

        await account.LinkParticipant(resident);
        await account.LinkParticipant(resident); // a repeat is a no-op
        await account.SetMembership(school, OrganisationRole.Owner);
        var view = await account.SetMembership(shop, OrganisationRole.Member);

        Assert.Equal(resident, view.ParticipantId);
        Assert.Equal([(school, OrganisationRole.Owner), (shop, OrganisationRole.Member)], view.Memberships.Select(m => (m.OrganisationId, m.Role)));

        var since = view.Memberships[0].Since;
        view = await account.SetMembership(school, OrganisationRole.Member);
        Assert.Equal(OrganisationRole.Member, view.Memberships.Single(m => m.OrganisationId == school).Role);
        Assert.Equal(since, view.Memberships.Single(m => m.OrganisationId == school).Since);

        view = await account.RemoveMembership(shop);
        Assert.Equal([school], view.Memberships.Select(m => m.OrganisationId));
        Assert.Equal(view.Memberships, (await account.Get())!.Memberships);
    }

    [Fact]
    public async Task Residents_are_not_organisations_organisations_are_not_a_persons_own_participant_and_unknown_ones_are_refused()
    {
        var (account, _) = await AccountTestData.Registered(Grains);
        var resident = await TestData.Participant(Grains, ParticipantKind.Resident);
        var otherResident = await TestData.Participant(Grains, ParticipantKind.Resident);
        var city = await TestData.Participant(Grains, ParticipantKind.City);

        Assert.Equal("organisationId", Assert.Single((await Assert.ThrowsAsync<InputRejectedException>(() => account.SetMembership(resident, OrganisationRole.Owner))).Errors.Keys));
        Assert.Equal("participantId", Assert.Single((await Assert.ThrowsAsync<InputRejectedException>(() => account.LinkParticipant(city))).Errors.Keys));
        await Assert.ThrowsAsync<InputRejectedException>(() => account.SetMembership(TestData.NewId("p"), OrganisationRole.Member));
        await Assert.ThrowsAsync<InputRejectedException>(() => account.LinkParticipant(TestData.NewId("p")));
        await Assert.ThrowsAsync<InputRejectedException>(() => account.SetMembership(city, (OrganisationRole)7));
        await Assert.ThrowsAsync<InputRejectedException>(() => account.SetMembership("not an id!", OrganisationRole.Member));

        await account.LinkParticipant(resident);
        await Assert.ThrowsAsync<StateConflictException>(() => account.LinkParticipant(otherResident));

        var view = await account.Get();
        Assert.Equal(resident, view!.ParticipantId);
        Assert.Empty(view.Memberships);
    }
}
