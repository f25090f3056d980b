using CivicContracting.Accounts;
using CivicContracting.Aggregation;
using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Accounts;

/// <summary>Privacy by design: a person downloads all their data, and deleting the account keeps their commitments as anonymous contributions.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountPrivacyTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task The_export_holds_the_account_the_persons_participant_and_commitments_memberships_and_tokens_but_no_hash()
    {
        var (account, registration) = await AccountTestData.Registered(Grains);
        var resident = await TestData.Participant(Grains);
        var school = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var commitment = await TestData.ConfirmedCommitment(Grains, resident, TestData.PledgeTerms(), "24062W13", new GoalWeight(goal));
        await account.LinkParticipant(resident);
        await account.SetMembership(school, OrganisationRole.Owner);
        await account.GrantRole(PlatformRole.Coach);
        var (_, token) = AccountTestData.Token("Home automation");
        await account.CreateAccessToken(token);

        var export = await account.Export();

        Assert.NotNull(export);
        Assert.Equal(registration.Local!.LoginName.ToLowerInvariant(), export.Account.LoginName);
        Assert.Equal("jan.peeters@example.org", export.Account.Email);
        Assert.Equal([PlatformRole.Participant, PlatformRole.Coach], export.Account.Roles);
        Assert.Equal(resident, export.Participant!.Id);
        Assert.Equal($"Name of {resident}", export.ParticipantDetails!.Name);
        Assert.Equal("someone@example.org", export.ParticipantDetails.ContactEmail);
        Assert.Equal(commitment, Assert.Single(export.Commitments).Id);
        var membership = Assert.Single(export.Memberships);
        Assert.Equal((school, OrganisationRole.Owner), (membership.Membership.OrganisationId, membership.Membership.Role));
        Assert.Equal($"Name of {school}", membership.Organisation!.DisplayName);
        Assert.Equal("Home automation", Assert.Single(export.AccessTokens).Name);
        Assert.DoesNotContain(registration.Local.PasswordHash, AccountTestData.Json(export), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_account_erases_the_person_and_anonymises_their_participant_while_every_contribution_and_aggregate_stays_the_same()
    {
        var (account, registration) = await AccountTestData.Registered(Grains);
        var resident = await TestData.Participant(Grains);
        var school = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var commitments = new[]
        {
            await TestData.ConfirmedCommitment(Grains, resident, TestData.ResultTerms(20, 80), "24062W13", new GoalWeight(goal)),
            await TestData.ConfirmedCommitment(Grains, resident, TestData.PledgeTerms(), "24062W13", new GoalWeight(goal, 2)),
            await TestData.ConfirmedCommitment(Grains, school, TestData.PledgeTerms(), "24062W13", new GoalWeight(goal)),
        };
        await Grains.GetGrain<ICommitmentGrain>(commitments[0]).ReportProgress(new ProgressReport("r1", DateTimeOffset.UtcNow, Value: 50));
        await account.LinkParticipant(resident);
        await account.SetMembership(school, OrganisationRole.Member);
        var (secret, token) = AccountTestData.Token();
        await account.CreateAccessToken(token);
        var aggregate = Grains.GetGrain<IEngagementAggregateGrain>(AggregateScope.Goal(goal));
        var settled = await Eventually.Value(aggregate.GetSnapshot, s => s.Totals.Participants == 2 && s.Totals.ByStatus.GetValueOrDefault(CommitmentStatus.Active) == 1);
        Assert.Equal(3, settled.Totals.Commitments);
        Assert.Equal(0.5, settled.Totals.ProgressSum, 12);
        var aggregateBefore = Figures(settled);
        var contributionsBefore = await Contributions(commitments);
        var schoolBefore = await Grains.GetGrain<IParticipantGrain>(school).GetProfile();

        var deletion = await account.Delete();

        Assert.Equal(resident, deletion.AnonymisedParticipantId);
        Assert.Equal(1, deletion.ErasedAccessTokens);
        Assert.Equal(deletion, await account.Delete()); // a repeat is a no-op
        // The person is gone: account, sign-in, export, login and token.
        Assert.Null(await account.Get());
        Assert.Null(await account.GetForSignIn());
        Assert.Null(await account.Export());
        Assert.Null(await Grains.GetGrain<ILoginGrain>(LoginKeys.For(registration)).GetAccountId());
        Assert.Null(await Grains.GetGrain<IAccessTokenGrain>(token.TokenId).Get());
        Assert.Null(await Grains.GetGrain<IAccessTokenGrain>(token.TokenId).Verify(AccountRules.HashSecret(secret)));
        await Assert.ThrowsAsync<StateConflictException>(() => account.Register(registration));
        // Their participant is anonymous, publicly and privately, and keeps its kind, place and commitments.
        var participant = Grains.GetGrain<IParticipantGrain>(resident);
        var profile = await participant.GetProfile();
        var details = await participant.GetPrivateDetails();
        Assert.Equal("Anonymous participant", profile!.DisplayName);
        Assert.Equal(ParticipantKind.Resident, profile.Kind);
        Assert.Equal("24062W13", profile.NeighbourhoodCode);
        Assert.Equal(commitments[..2], profile.CommitmentIds);
        Assert.DoesNotContain(resident, details!.Name, StringComparison.Ordinal);
        Assert.Null(details.ContactEmail);
        Assert.Null(details.ContactPhone);
        // The organisation the person was a member of is untouched.
        Assert.Equal(AccountTestData.Json(schoolBefore), AccountTestData.Json(await Grains.GetGrain<IParticipantGrain>(school).GetProfile()));
        // No contribution and no aggregate figure changed (wait past a publish and an anti-entropy round).
        Assert.Equal(contributionsBefore, await Contributions(commitments));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(aggregateBefore, Figures(await aggregate.GetSnapshot()));
        Assert.Equal(contributionsBefore, await Contributions(commitments));

        // The login is free again: the person may come back as a new account.
        await Grains.GetGrain<IAccountGrain>(TestData.NewId("a")).Register(registration);
    }

    [Fact]
    public async Task Deleting_an_unknown_account_is_not_found()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Grains.GetGrain<IAccountGrain>(TestData.NewId("a")).Delete());
    }

    private static string Figures(EngagementSnapshot s) =>
        AccountTestData.Json(new { s.Totals, s.MeanProgress, s.WeightedProgress, s.Progress, s.DistinctKinds, s.ShannonIndex });

    private async Task<string> Contributions(IEnumerable<string> commitmentIds) =>
        AccountTestData.Json(await Task.WhenAll(commitmentIds.Select(id => Grains.GetGrain<ICommitmentGrain>(id).GetContribution())));
}
