using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Participants;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.FormalText;

/// <summary>
/// A commitment is confirmed in the language its text was read in: the hash of that language's text, recorded with the
/// language. A hash of one language never confirms another, and a confirmation recorded before languages (no language,
/// the legacy English text) still verifies.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConfirmationLanguageTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_text_confirmed_in_French_is_recorded_in_French_and_verifies()
    {
        var (commitment, terms) = await Draft();

        var confirmed = await commitment.ConfirmIn("fr", "Directrice", CommitmentText.Hash(terms, "fr"));

        Assert.Equal(CommitmentStatus.Confirmed, confirmed.Status);
        Assert.Equal("fr", confirmed.Confirmation!.Language);
        Assert.Equal(CommitmentText.Hash(terms, "fr"), confirmed.Confirmation.TextHash);
        Assert.True(CommitmentText.Verifies(confirmed.Terms, confirmed.Confirmation));
        Assert.Equal(CommitmentText.Render(terms, "fr"), CommitmentText.RenderAsRecorded(confirmed.Terms, confirmed.Confirmation.Language));
        // Read again from the grain: the language is stored with the confirmation.
        Assert.Equal("fr", (await commitment.Get())!.Confirmation!.Language);
        // The same confirmation again is a no-op.
        Assert.Equal(confirmed.Version, (await commitment.ConfirmIn("fr", "Directrice", CommitmentText.Hash(terms, "fr"))).Version);
    }

    [Fact]
    public async Task A_hash_of_one_language_does_not_confirm_another()
    {
        var (commitment, terms) = await Draft();

        var asDutch = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ConfirmIn("nl", "Directrice", CommitmentText.Hash(terms, "fr")));
        Assert.Contains("textHash", asDutch.Errors.Keys);
        var asEnglish = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ConfirmIn("en", "Directrice", CommitmentText.Hash(terms, "nl")));
        Assert.Contains("textHash", asEnglish.Errors.Keys);
        // Without a language the Dutch text is confirmed: the French hash is not, nor the legacy English one.
        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Confirm("Directrice", CommitmentText.Hash(terms, "fr")));
        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.Confirm("Directrice", CommitmentText.HashLegacy(terms)));
        var german = await Assert.ThrowsAsync<InputRejectedException>(() => commitment.ConfirmIn("de", "Directrice", CommitmentText.Hash(terms, "fr")));
        Assert.Contains("language", german.Errors.Keys);
        Assert.Equal(CommitmentStatus.Draft, (await commitment.Get())!.Status);

        var confirmed = await commitment.Confirm("Directrice", CommitmentText.Hash(terms));
        Assert.Equal(CommitmentText.DefaultLanguage, confirmed.Confirmation!.Language);
    }

    [Fact]
    public async Task An_upgrade_is_confirmed_in_its_language_and_the_earlier_confirmation_keeps_its_own()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var pledge = TestData.PledgeTerms();
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", pledge));
        await commitment.ConfirmIn("en", "Head teacher", CommitmentText.Hash(pledge, "en"));
        var action = TestData.ActionTerms(2);

        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.UpgradeIn("fr", action, "Head teacher", CommitmentText.Hash(action, "en")));
        var upgraded = await commitment.UpgradeIn("fr", action, "Head teacher", CommitmentText.Hash(action, "fr"));

        Assert.Equal("fr", upgraded.Confirmation!.Language);
        Assert.True(CommitmentText.Verifies(upgraded.Terms, upgraded.Confirmation));
        var earlier = Assert.Single(upgraded.EarlierVersions);
        Assert.Equal("en", earlier.Confirmation!.Language);
        Assert.True(CommitmentText.Verifies(earlier.Terms, earlier.Confirmation));
        // Repeated: the same upgrade, nothing new.
        Assert.Equal(upgraded.Version, (await commitment.UpgradeIn("fr", action, "Head teacher", CommitmentText.Hash(action, "fr"))).Version);
    }

    [Fact]
    public async Task A_confirmation_of_the_legacy_English_text_verifies_and_is_recorded_without_a_language()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms(20, 80);
        var draft = new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", terms);
        var signedAt = DateTimeOffset.UtcNow.AddDays(-30);
        var id = TestData.NewId("c");

        // Signed before languages (an export of that time carries the hash of the legacy text) and imported now.
        Assert.Equal(CommitmentImportOutcome.Created,
            await Grains.GetGrain<ICommitmentImportGrain>(id).Import(new CommitmentImport(draft, new ImportedConfirmation("Directie", signedAt, CommitmentText.HashLegacy(terms)))));

        var view = (await Grains.GetGrain<ICommitmentGrain>(id).Get())!;
        Assert.Null(view.Confirmation!.Language);
        Assert.Equal(CommitmentText.HashLegacy(terms), view.Confirmation.TextHash);
        Assert.True(CommitmentText.Verifies(view.Terms, view.Confirmation));
        Assert.False(CommitmentText.Verifies(view.Terms, view.Confirmation with { Language = "nl" }));
        // Its legacy text is what the public checks it against.
        Assert.Equal(CommitmentText.RenderLegacy(terms), CommitmentText.RenderAsRecorded(view.Terms, view.Confirmation.Language));
    }

    [Fact]
    public async Task An_import_names_the_language_it_was_signed_in_and_its_hash_must_be_of_that_text()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms(20, 80);
        var draft = new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", terms);
        var signedAt = DateTimeOffset.UtcNow.AddDays(-30);

        var legacyAsFrench = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<ICommitmentImportGrain>(TestData.NewId("c"))
            .Import(new CommitmentImport(draft, new ImportedConfirmation("Directie", signedAt, CommitmentText.HashLegacy(terms), "fr"))));
        Assert.Contains("confirmation.textHash", legacyAsFrench.Errors.Keys);
        var german = await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<ICommitmentImportGrain>(TestData.NewId("c"))
            .Import(new CommitmentImport(draft, new ImportedConfirmation("Directie", signedAt, Language: "de"))));
        Assert.Contains("confirmation.language", german.Errors.Keys);

        var id = TestData.NewId("c");
        await Grains.GetGrain<ICommitmentImportGrain>(id).Import(new CommitmentImport(draft, new ImportedConfirmation("Directie", signedAt, Language: "fr")));
        var view = (await Grains.GetGrain<ICommitmentGrain>(id).Get())!;
        Assert.Equal("fr", view.Confirmation!.Language);
        Assert.Equal(CommitmentText.Hash(terms, "fr"), view.Confirmation.TextHash);
    }

    private async Task<(ICommitmentGrain Commitment, CommitmentTerms Terms)> Draft()
    {
        var participant = await TestData.Participant(Grains, ParticipantKind.School);
        var goal = await TestData.Goal(Grains);
        var terms = TestData.ResultTerms(20, 80);
        var commitment = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await commitment.Create(new CommitmentDraft(participant, [new GoalWeight(goal)], "24062W13", terms));
        return (commitment, terms);
    }
}
