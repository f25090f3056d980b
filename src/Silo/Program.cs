using CivicContracting.Silo.Hosting;
using CivicContracting.Silo.Storage;
using Microsoft.Extensions.Options;

// The Civic Contracting silo on its own, for production: the web app connects to it as an Orleans client.
// Configuration comes from appsettings.json, appsettings.{Environment}.json and environment variables
// (e.g. Storage__Profile=Memory, Storage__DataDirectory=/var/lib/civic, OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317).
//
// `CivicContracting.Silo migrate` applies the schema migrations of the configured storage profile and exits
// (0 when the schema is current, 1 when it could not be brought up to date, 2 for invalid settings) without
// starting Orleans: the Kubernetes Job deploy/kubernetes/20-migrate-job.yaml runs it before a rollout.
if (args.Length > 0 && string.Equals(args[0], SiloMigration.Command, StringComparison.OrdinalIgnoreCase))
    return await SiloMigration.RunAsync(args[1..]);
// `CivicContracting.Silo backup FOLDER`: an online backup of the embedded SQLite profile (SiloBackup.cs).
if (args.Length > 0 && string.Equals(args[0], SiloBackup.Command, StringComparison.OrdinalIgnoreCase))
    return await SiloBackup.RunAsync(args[1..]);

try
{
    var builder = WebApplication.CreateBuilder(args);
    // ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS / --urls, else http://localhost:5190 (health and metrics); no Server header.
    builder.ListenAsConfigured("http://localhost:5190");

    builder.Services.AddCivicContractingShutdownTimeout(builder.Configuration);
    builder.AddCivicContractingTelemetry("civic-contracting-silo");
    builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
    builder.Services.AddHealthChecks().AddCivicContractingSiloChecks();

    var app = builder.Build();

    // /health/live (the process answers), /health/ready (the silo is active in its cluster and its storage answers),
    // /health/startup (joined, schema current) and the Prometheus scrape endpoint.
    app.MapCivicContractingHealth();
    app.MapCivicContractingMetrics();

    // A second instance on this machine: say which port is taken instead of failing inside Orleans with a stack trace.
    if (SiloPorts.FindTaken(app.Configuration) is { } taken)
    {
        Console.Error.WriteLine($"Civic Contracting silo cannot start: {taken}");
        return 4;
    }
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    Console.Error.WriteLine("Civic Contracting silo cannot start: the configuration is invalid.");
    foreach (var failure in invalid.Failures)
        Console.Error.WriteLine($"  - {failure}");
    return 2;
}
catch (Exception failure) when (SiloPorts.Describe(failure) is { } taken)
{
    Console.Error.WriteLine($"Civic Contracting silo cannot start: {taken}");
    return 4;
}
