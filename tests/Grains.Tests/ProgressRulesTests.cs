using CivicContracting.Commitments;
using CivicContracting.Goals;

namespace CivicContracting.Grains.Tests;

public sealed class ProgressRulesTests
{
    private static readonly DateOnly Deadline = new(2030, 1, 1);

    [Theory]
    [InlineData(20, 80, 20, 0.0)]
    [InlineData(20, 80, 50, 0.5)]
    [InlineData(20, 80, 80, 1.0)]
    [InlineData(20, 80, 95, 1.0)]
    [InlineData(20, 80, 5, 0.0)]
    public void Result_progress_is_the_clamped_share_of_the_way_from_baseline_to_target(double baseline, double target, double current, double expected) =>
        Assert.Equal(expected, ProgressRules.OfResult(new QuantitativeTarget("m", "u", baseline, target, Deadline), current), 12);

    [Theory]
    [InlineData(1000, 600, 1000, 0.0)]
    [InlineData(1000, 600, 900, 0.25)]
    [InlineData(1000, 600, 600, 1.0)]
    [InlineData(1000, 600, 400, 1.0)]
    [InlineData(1000, 600, 1200, 0.0)]
    public void Decreasing_targets_count_progress_downwards(double baseline, double target, double current, double expected) =>
        Assert.Equal(expected, ProgressRules.OfResult(new QuantitativeTarget("kWh", "kWh", baseline, target, Deadline), current), 12);

    [Fact]
    public void A_target_equal_to_its_baseline_is_rejected() =>
        Assert.Throws<ArgumentException>(() => ProgressRules.OfResult(new QuantitativeTarget("m", "u", 5, 5, Deadline), 5));

    [Fact]
    public void Action_progress_is_completed_milestones_over_all_and_a_pledge_has_none()
    {
        var action = TestData.ActionTerms(4);
        Assert.Equal(0.75, ProgressRules.Normalised(action, null, 3));
        Assert.Equal(0.0, ProgressRules.Normalised(action, null, 0));
        Assert.Null(ProgressRules.Normalised(TestData.PledgeTerms(), 42, 1));
        Assert.Equal(0.0, ProgressRules.Normalised(TestData.ResultTerms(), null, 0));
    }

    [Fact]
    public void On_track_means_progress_keeps_up_with_the_straight_line_to_the_deadline()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var terms = new CommitmentTerms(CommitmentLevel.Result, "t", "d", Target: new QuantitativeTarget("m", "u", 0, 100, new DateOnly(2026, 12, 31)));
        var halfway = start.AddDays(182.5);
        Assert.True(ProgressRules.IsOnTrack(terms, 0.6, start, halfway, []));
        Assert.False(ProgressRules.IsOnTrack(terms, 0.3, start, halfway, []));
        Assert.True(ProgressRules.IsOnTrack(terms, 1.0, start, start.AddYears(3), []));
    }

    [Fact]
    public void The_confirmed_text_hash_changes_with_every_word_of_the_terms()
    {
        var a = TestData.ResultTerms(20, 80);
        Assert.Equal(CommitmentText.Hash(a), CommitmentText.Hash(a with { }));
        Assert.NotEqual(CommitmentText.Hash(a), CommitmentText.Hash(TestData.ResultTerms(20, 81)));
        Assert.NotEqual(CommitmentText.Hash(a), CommitmentText.Hash(a with { Title = a.Title + "!" }));
        Assert.Matches("^[0-9a-f]{64}$", CommitmentText.Hash(a));
    }
}
