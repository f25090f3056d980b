using CivicContracting.Silo.Hosting;
using CivicContracting.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CivicContracting.Cluster.Tests;

/// <summary>The cluster settings on their own, without processes: advertised address, membership probes, shutdown, client gateways.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("silo-0.civic")]
    [InlineData("$(POD_IP)")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.300")]
    public void An_advertised_address_that_is_not_an_ip_address_stops_the_start_with_a_message(string address)
    {
        var invalid = Assert.Throws<OptionsValidationException>(() => new ClusterSettings { AdvertisedAddress = address }.ParseAdvertisedAddress());
        Assert.Contains("Orleans:AdvertisedAddress", invalid.Message, StringComparison.Ordinal);
        Assert.Contains(address, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_advertised_ip_address_is_taken_as_it_is()
    {
        Assert.Equal("10.1.2.3", new ClusterSettings { AdvertisedAddress = "10.1.2.3" }.ParseAdvertisedAddress().ToString());
        Assert.Equal("127.0.0.1", new ClusterSettings().ParseAdvertisedAddress().ToString());
    }

    [Fact]
    public void Membership_probe_settings_come_from_configuration_and_default_to_Orleans_defaults()
    {
        var defaults = new ClusterMembershipOptions();
        var unset = MembershipOptions([]);
        Assert.Equal(defaults.ProbeTimeout, unset.ProbeTimeout);
        Assert.Equal(defaults.NumMissedProbesLimit, unset.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, unset.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.IAmAliveTablePublishTimeout, unset.IAmAliveTablePublishTimeout);
        Assert.Equal(defaults.DeathVoteExpirationTimeout, unset.DeathVoteExpirationTimeout);

        var set = MembershipOptions(new()
        {
            ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
            ["Orleans:Membership:NumMissedProbesLimit"] = "2",
            ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Orleans:Membership:DeathVoteExpirationTimeout"] = "00:00:30",
        });
        Assert.Equal(TimeSpan.FromSeconds(1), set.ProbeTimeout);
        Assert.Equal(2, set.NumMissedProbesLimit);
        Assert.Equal(1, set.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(5), set.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), set.DeathVoteExpirationTimeout);
    }

    [Fact]
    public void The_shutdown_timeout_defaults_to_45_seconds_and_is_configurable()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), ShutdownTimeout([]));
        Assert.Equal(TimeSpan.FromSeconds(20), ShutdownTimeout(new() { ["Host:ShutdownTimeout"] = "00:00:20" }));
        Assert.Throws<OptionsValidationException>(() => ShutdownTimeout(new() { ["Host:ShutdownTimeout"] = "soon" }));
    }

    [Fact]
    public void A_client_with_the_PostgreSql_profile_takes_its_gateways_from_membership_and_needs_no_gateway_list()
    {
        var settings = OrleansHostingSettings.Read(Configuration(new()
        {
            ["Orleans:Mode"] = "Client",
            ["Storage:Profile"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=db.example;Database=civic;Username=civic;Password=secret",
            ["Storage:MaxPoolSize"] = "3",
        }));
        Assert.Empty(settings.Gateways);
        Assert.NotNull(settings.MembershipConnectionString);
        Assert.Contains("Maximum Pool Size=3", settings.MembershipConnectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", settings.GatewaySource, StringComparison.Ordinal);

        var staticList = OrleansHostingSettings.Read(Configuration(new() { ["Orleans:Mode"] = "Client", ["Orleans:Gateways"] = "127.0.0.1:30000" }));
        Assert.Null(staticList.MembershipConnectionString);
        Assert.Single(staticList.Gateways);
    }

    private static ClusterMembershipOptions MembershipOptions(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Storage:Profile"] = "Memory", ["Demo:Seed"] = "false" });
        builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }

    private static TimeSpan ShutdownTimeout(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddCivicContractingShutdownTimeout(Configuration(settings));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
