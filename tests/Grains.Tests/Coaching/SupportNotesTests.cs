using CivicContracting.Coaching;
using CivicContracting.Grains.Tests.Commitments;
using CivicContracting.Validation;

namespace CivicContracting.Grains.Tests.Coaching;

[Collection(CommitmentClusterCollection.Name)]
public sealed class SupportNotesTests(CommitmentClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Notes_are_added_trimmed_and_listed_newest_first()
    {
        var notes = Grains.GetGrain<ISupportNotesGrain>(SupportNotes.CommitmentKey(TestData.NewId("c")));
        Assert.Empty(await notes.List());

        var first = await notes.Add("a-1", "Coach One", "  Called the head teacher.  ");
        var second = await notes.Add("a-2", "Coach Two", "Counting starts in May.");

        Assert.Equal("Called the head teacher.", first.Text);
        Assert.Equal(("a-1", "Coach One"), (first.AuthorId, first.AuthorName));
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal([second, first], await notes.List());
    }

    [Fact]
    public async Task Empty_or_too_long_text_and_a_key_that_names_no_subject_are_refused_and_nothing_is_stored()
    {
        var notes = Grains.GetGrain<ISupportNotesGrain>(SupportNotes.ParticipantKey(TestData.NewId("p")));
        Assert.Contains("text", (await Assert.ThrowsAsync<InputRejectedException>(() => notes.Add("a-1", "Coach", "   "))).Errors.Keys);
        Assert.Contains("text", (await Assert.ThrowsAsync<InputRejectedException>(() => notes.Add("a-1", "Coach", new string('x', SupportNotes.MaxTextLength + 1)))).Errors.Keys);
        Assert.Contains("authorName", (await Assert.ThrowsAsync<InputRejectedException>(() => notes.Add("a-1", "", "Fine text"))).Errors.Keys);
        Assert.Empty(await notes.List());
        Assert.Equal(SupportNotes.MaxTextLength, (await notes.Add("a-1", "Coach", new string('x', SupportNotes.MaxTextLength))).Text.Length);

        await Assert.ThrowsAsync<InputRejectedException>(() => Grains.GetGrain<ISupportNotesGrain>("goal:g-1").Add("a-1", "Coach", "Text"));
        Assert.Empty(await Grains.GetGrain<ISupportNotesGrain>("goal:g-1").List());
    }

    [Fact]
    public async Task A_subject_holds_at_most_1000_notes()
    {
        var notes = Grains.GetGrain<ISupportNotesGrain>(SupportNotes.CommitmentKey(TestData.NewId("c")));
        for (var i = 0; i < SupportNotes.MaxNotes; i++)
            await notes.Add("a-1", "Coach", $"Note {i}");
        await Assert.ThrowsAsync<StateConflictException>(() => notes.Add("a-1", "Coach", "One too many"));
        var listed = await notes.List();
        Assert.Equal(SupportNotes.MaxNotes, listed.Count);
        Assert.Equal($"Note {SupportNotes.MaxNotes - 1}", listed[0].Text);
    }
}
