using CivicContracting.Accounts;
using CivicContracting.Following;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace CivicContracting.Grains.Tests.Compatibility;

/// <summary>
/// An account, a feed and a feed event stored before languages (issue 15) read with this version: the account and its
/// feed have no language, which means Dutch, and an event without a detail keeps the summary it was written with.
/// Through <see cref="OrleansGrainStorageSerializer"/>, as the SQLite and PostgreSQL stores serialise grain state.
/// </summary>
public sealed class AccountStateBeforeLanguagesTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(AccountState).Assembly).AddAssembly(typeof(AccountRegistration).Assembly).AddAssembly(typeof(AccountStateBeforeLanguages).Assembly))
        .BuildServiceProvider();

    private static readonly IGrainStorageSerializer Storage = new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>());

    [Fact]
    public void An_account_stored_before_languages_loads_without_one_and_keeps_everything_else()
    {
        var registeredAt = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
        var before = new AccountStateBeforeLanguages
        {
            Registration = new AccountRegistration("Oude Buur", "oud@example.org", new LocalLogin("oud@example.org", "hash")),
            RegisteredAt = registeredAt,
            Roles = [PlatformRole.Participant],
            LastMailAt = registeredAt,
        };

        var loaded = Storage.Deserialize<AccountState>(Storage.Serialize(before))!;

        Assert.Null(loaded.Language); // the grain reads this as Dutch (AccountView.Language "nl")
        Assert.Equal(before.Registration, loaded.Registration);
        Assert.Null(loaded.Registration!.Language);
        Assert.Equal(registeredAt, loaded.RegisteredAt);
        Assert.Equal([PlatformRole.Participant], loaded.Roles);
        Assert.Equal(registeredAt, loaded.LastMailAt);

        var written = new AccountState { Registration = before.Registration, Language = "fr" };
        Assert.Equal("fr", Storage.Deserialize<AccountState>(Storage.Serialize(written))!.Language);
    }

    [Fact]
    public void A_feed_event_stored_before_details_keeps_its_summary_in_every_language()
    {
        var old = new FeedEvent("e-1", new FollowTopic(FollowTopicKind.Goal, "g-1"), FeedEventKind.ProgressReported, "c-1",
            "Autovrije schoolstraat", "New value: 12.", DateTimeOffset.UnixEpoch);
        var state = new FeedState { Items = [new FeedEntry(1, old, DateTimeOffset.UnixEpoch)] };

        var loaded = Storage.Deserialize<FeedState>(Storage.Serialize(state))!;

        Assert.Null(loaded.Language);
        var stored = loaded.Items.Single().Event;
        Assert.Null(stored.Detail);
        foreach (var language in new[] { "nl", "fr", "en" })
            Assert.Equal("New value: 12.", FeedText.Summary(stored, Texts.Languages.Culture(language)));
        var structured = stored with { Detail = FeedText.Detail("NewValue", FeedText.Number(1234.5)) };
        Assert.Equal("Nieuwe waarde: 1.234,5.", FeedText.Summary(structured, Texts.Languages.Culture("nl")));
        Assert.Equal("New value: 1.234,5.", FeedText.Summary(structured, Texts.Languages.Culture("en")));
        // A key this version does not know (written by a newer one): the stored summary.
        Assert.Equal("New value: 12.", FeedText.Summary(stored with { Detail = FeedText.Detail("SomethingNewer") }, Texts.Languages.Culture("fr")));
    }
}

/// <summary>The account's state as it was before languages: ids 0–18 (a test copy of the fields this test sets).</summary>
[GenerateSerializer, Alias("cc.test.AccountStateBeforeLanguages")]
public sealed class AccountStateBeforeLanguages
{
    [Id(0)] public AccountRegistration? Registration { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public List<PlatformRole> Roles { get; set; } = [];
    [Id(18)] public DateTimeOffset? LastMailAt { get; set; }
}
