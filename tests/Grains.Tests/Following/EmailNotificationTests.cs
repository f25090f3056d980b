using CivicContracting.Following;
using CivicContracting.Hosting;
using CivicContracting.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicContracting.Grains.Tests.Following;

/// <summary>E-mail notifications through a real SMTP conversation with <see cref="SmtpSink"/> (the cluster sends to it).</summary>
[Collection(ClusterCollection.Name)]
public sealed class EmailNotificationTests(ClusterFixture fixture)
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(15);

    private IGrainFactory Grains => fixture.Grains;

    private SmtpSink Sink => SmtpSink.Shared;

    [Fact]
    public async Task An_opted_in_follower_gets_an_email_naming_the_change()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var id = FollowingTestData.NewAccount();
        var address = $"{id}@example.org";
        var settings = await Grains.GetGrain<IFeedGrain>(id).SetEmailNotifications(true, address);
        Assert.Equal(new EmailNotifications(true, address, PlatformSendsEmail: true), settings);
        await Grains.GetGrain<IFeedGrain>(id).SetLanguage("en"); // the account tells its feed; this feed has no account
        await Grains.GetGrain<IFollowerGrain>(id).Follow(topic);

        var change = FollowingTestData.Event(topic, title: "Car-free street at De ARK school", summary: "Progress reported: 62 % of trips on foot or by bike");
        await Grains.GetFollowTopic(topic).Publish(change);

        var mail = await Sink.WaitFor(address, MailTimeout);
        Assert.NotNull(mail);
        Assert.Equal([address], mail.Recipients);
        Assert.Equal("notifications@civic-contracting.test", mail.From);
        Assert.Contains(address, mail.Headers["To"], StringComparison.Ordinal);
        Assert.Contains("Car-free street at De ARK school", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("progress reported", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Progress reported: 62 % of trips on foot or by bike", mail.Body, StringComparison.Ordinal);
        Assert.Single(Sink.To(address));
        Assert.Single((await Grains.GetGrain<IFeedGrain>(id).GetPage(null, 10)).Items);
    }

    [Fact]
    public async Task A_followers_email_is_in_their_language_and_in_Dutch_for_a_feed_never_told_one()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var french = FollowingTestData.NewAccount();
        var frenchAddress = $"{french}@example.org";
        var old = FollowingTestData.NewAccount();
        var oldAddress = $"{old}@example.org";
        await Grains.GetGrain<IFeedGrain>(french).SetEmailNotifications(true, frenchAddress);
        await Grains.GetGrain<IFeedGrain>(french).SetLanguage("fr");
        await Grains.GetGrain<IFeedGrain>(old).SetEmailNotifications(true, oldAddress);
        foreach (var account in new[] { french, old })
            await Grains.GetGrain<IFollowerGrain>(account).Follow(topic);

        // What happened, not a sentence: each reader's mail writes it in their language.
        var change = FollowingTestData.Event(topic, title: "Rue scolaire sans voitures", summary: "Nieuwe waarde: 49,5.")
            with { Detail = FeedText.Detail("NewValue", FeedText.Number(49.5)) };
        await Grains.GetFollowTopic(topic).Publish(change);

        var mail = await Sink.WaitFor(frenchAddress, MailTimeout);
        Assert.Equal("Rue scolaire sans voitures\u00a0: progrès signalé", mail.Subject);
        Assert.Contains("Voici ce qui a changé dans ce que vous suivez", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Nouvelle valeur\u00a0: 49,5.", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Nieuwe waarde", mail.Body, StringComparison.Ordinal);
        Assert.Equal("fr", mail.Headers["Content-Language"]);

        var dutch = await Sink.WaitFor(oldAddress, MailTimeout);
        Assert.Equal("Rue scolaire sans voitures: voortgang gemeld", dutch.Subject);
        Assert.Contains("Nieuwe waarde: 49,5.", dutch.Body, StringComparison.Ordinal);
        Assert.Equal("nl", dutch.Headers["Content-Language"]);
        await Assert.ThrowsAsync<CivicContracting.Validation.InputRejectedException>(() => Grains.GetGrain<IFeedGrain>(old).SetLanguage("de"));
    }

    [Fact]
    public async Task A_follower_who_has_not_opted_in_gets_no_email()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var quiet = FollowingTestData.NewAccount();
        var quietAddress = $"{quiet}@example.org";
        var never = FollowingTestData.NewAccount();
        // The control: an opted-in follower of the same topic, so the test knows mail for this change went out.
        var control = FollowingTestData.NewAccount();
        var controlAddress = $"{control}@example.org";
        Assert.False((await Grains.GetGrain<IFeedGrain>(quiet).SetEmailNotifications(false, quietAddress)).Enabled);
        await Grains.GetGrain<IFeedGrain>(control).SetEmailNotifications(true, controlAddress);
        foreach (var account in new[] { quiet, never, control })
            await Grains.GetGrain<IFollowerGrain>(account).Follow(topic);

        await Grains.GetFollowTopic(topic).Publish(FollowingTestData.Event(topic));

        Assert.NotNull(await Sink.WaitFor(controlAddress, MailTimeout));
        // Nothing for the quiet address: the control's mail proved the batch went out; a few batch windows more for a late one.
        await Task.Delay(500);
        Assert.Empty(Sink.To(quietAddress));
        Assert.Single((await Grains.GetGrain<IFeedGrain>(quiet).GetPage(null, 10)).Items);
        Assert.Single((await Grains.GetGrain<IFeedGrain>(never).GetPage(null, 10)).Items);
        Assert.DoesNotContain(Sink.Messages, m => m.Recipients.Any(r => r.StartsWith(never, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_failing_smtp_server_is_retried_and_never_holds_up_the_feed()
    {
        var topic = FollowingTestData.NewGoalTopic();
        var id = FollowingTestData.NewAccount();
        var address = $"{id}@example.org";
        Sink.FailRecipient(address, 2); // "451 try again later", twice
        await Grains.GetGrain<IFeedGrain>(id).SetEmailNotifications(true, address);
        await Grains.GetGrain<IFollowerGrain>(id).Follow(topic);

        await Grains.GetFollowTopic(topic).Publish(FollowingTestData.Event(topic, summary: "Commitment upgraded to a result commitment"));

        Assert.Single((await Eventually.Value(() => Grains.GetGrain<IFeedGrain>(id).GetPage(null, 10), p => p.Items.Count == 1)).Items);
        var mail = await Sink.WaitFor(address, MailTimeout);
        Assert.NotNull(mail);
        Assert.Contains("Commitment upgraded to a result commitment", mail.Body, StringComparison.Ordinal);
        Assert.Equal(3, Sink.Attempts(address));
        Assert.Single(Sink.To(address));
    }

    [Fact]
    public void Email_is_off_by_default_and_the_default_settings_are_valid()
    {
        using var services = Services([]);
        var options = services.GetRequiredService<IOptions<SmtpNotificationOptions>>().Value;
        Assert.False(options.Enabled);
        Assert.Equal(587, options.Port);
        Assert.Equal(SmtpSecurity.StartTls, options.Security);
        var mailer = services.GetRequiredService<INotificationMailer>();
        Assert.False(mailer.Enabled);
        Assert.False(mailer.TryEnqueue("someone@example.org", FollowingTestData.Event(FollowingTestData.NewGoalTopic())));
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Bad_smtp_settings_stop_the_start_with_messages_naming_each_setting()
    {
        using var services = Services(new()
        {
            ["Notifications:Smtp:Enabled"] = "true",
            ["Notifications:Smtp:Host"] = "not a host!",
            ["Notifications:Smtp:Port"] = "70000",
            ["Notifications:Smtp:From"] = "nobody",
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:UserName"] = "mailer",
            ["Notifications:Smtp:Password"] = "secret",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        var failures = ex.Failures.ToList();
        Assert.Contains(failures, f => f.StartsWith("Notifications:Smtp:Host 'not a host!' is not a host name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Notifications:Smtp:Port must lie between 1 and 65535 (got 70000)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Notifications:Smtp:From 'nobody' is not an e-mail address", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Notifications:Smtp:UserName is set but Notifications:Smtp:Security is None", StringComparison.Ordinal));

        using var missing = Services(new() { ["Notifications:Smtp:Enabled"] = "true" });
        var missingEx = Assert.Throws<OptionsValidationException>(() => missing.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(missingEx.Failures, f => f.StartsWith("Notifications:Smtp:Host is required", StringComparison.Ordinal));
        Assert.Contains(missingEx.Failures, f => f.StartsWith("Notifications:Smtp:From is required", StringComparison.Ordinal));

        using var good = Services(new()
        {
            ["Notifications:Smtp:Enabled"] = "true",
            ["Notifications:Smtp:Host"] = "smtp.example.org",
            ["Notifications:Smtp:From"] = "notifications@example.org",
            ["Notifications:Smtp:BatchWindow"] = "00:05:00",
        });
        good.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(TimeSpan.FromMinutes(5), good.GetRequiredService<IOptions<SmtpNotificationOptions>>().Value.BatchWindow);
        Assert.True(good.GetRequiredService<INotificationMailer>().Enabled);
    }

    /// <summary>The grains' services as a silo registers them, over the given configuration.</summary>
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddCivicContractingGrains();
        return services.BuildServiceProvider();
    }
}
