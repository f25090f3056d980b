using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// A second instance on the same machine (or anything else on 11111/30000) would otherwise fail deep inside Orleans'
/// start with a stack trace. The hosts check the silo's ports before they start and say which port is taken and which
/// setting moves it (<see cref="FindTaken"/>); <see cref="Describe"/> turns a bind failure that still happens (a race) into the same kind of line.
/// </summary>
public static class SiloPorts
{
    /// <summary>A one-line message naming the first of the silo's ports that another process holds, or null when both are free.</summary>
    public static string? FindTaken(IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        var address = IPAddress.Loopback;
        if (SiloHosting.IsPostgreSql(configuration))
        {
            var advertised = cluster.ParseAdvertisedAddress();
            address = IPAddress.IsLoopback(advertised) ? advertised : IPAddress.Any;
        }
        return Check(address, cluster.SiloPort, ClusterSettings.SectionName + ":" + nameof(ClusterSettings.SiloPort))
            ?? Check(address, cluster.GatewayPort, ClusterSettings.SectionName + ":" + nameof(ClusterSettings.GatewayPort));
    }

    private static string? Check(IPAddress address, int port, string setting)
    {
        if (port is < 1 or > 65535)
            return null; // Orleans reports an impossible port itself.
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return $"port {port} ({setting}) is already in use, probably by another instance. Stop it, or give this one other ports, e.g. --{setting}={port + 1} (environment: {setting.Replace(":", "__", StringComparison.Ordinal)}={port + 1}).";
        }
    }

    /// <summary>One line for a start that failed because an address was taken, or null when that was not the cause.</summary>
    public static string? Describe(Exception failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case IOException { InnerException: AddressInUseException } bind:
                    return $"{bind.Message.TrimEnd('.')}. Another process (another instance?) listens there: stop it or set another address with ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS or --urls.";
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return $"a port of this host is already in use ({ex.Message}). Another instance may be running: stop it, or give this one other ports with {ClusterSettings.SectionName}:SiloPort, {ClusterSettings.SectionName}:GatewayPort and ASPNETCORE_URLS.";
            }
        }
        if (failure is AggregateException aggregate)
            return aggregate.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null);
        return null;
    }
}
