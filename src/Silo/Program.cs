using CivicContracting.Silo.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// The Civic Contracting silo on its own, for production: the web app connects to it as an Orleans client.
// Configuration comes from appsettings.json, appsettings.{Environment}.json and environment variables
// (e.g. Storage__Profile=Memory, Storage__DataDirectory=/var/lib/civic, OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317).
var builder = WebApplication.CreateBuilder(args);

builder.AddCivicContractingTelemetry("civic-contracting-silo");
builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
builder.Services.AddHealthChecks().AddCivicContractingSiloChecks();

var app = builder.Build();

// Liveness: the process answers. Readiness: the silo is active in its cluster and its storage answers.
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(SiloHealthChecks.ReadyTag) });

await app.RunAsync();
