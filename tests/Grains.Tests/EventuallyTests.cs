namespace CivicContracting.Grains.Tests;

/// <summary>The shared polling helper (tests/TestSupport): every wait of the suites relies on what it reports when it fails.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task It_returns_the_first_value_that_satisfies_the_condition()
    {
        var reads = 0;
        var value = await Eventually.Value(() => Task.FromResult(++reads), n => n >= 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, value);
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task A_timeout_names_what_was_awaited_and_the_last_value_read()
    {
        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            Eventually.Value(() => Task.FromResult(new List<int> { 1, 2 }), l => l.Count > 2, TimeSpan.FromMilliseconds(50), "three items"));
        Assert.Contains("three items", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 2]", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_description_the_condition_s_text_says_what_was_awaited()
    {
        var ready = false;
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.Until(() => ready, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("() => ready", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_of_the_read_ends_the_wait_at_once()
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Eventually.Value<int>(() => throw new InvalidOperationException("broken"), _ => false, TimeSpan.FromSeconds(30)));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"took {elapsed.Elapsed}");
    }
}
