using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CivicContracting.Silo.Hosting;

/// <summary>
/// OpenTelemetry for every Civic Contracting host (the silo and the web app): Orleans' meter and the .NET runtime's
/// metrics always; Orleans' grain-call traces and the OTLP exporter (for all signals) when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without an exporter nothing would read the traces, so the silo does not
/// pay for an activity on every grain call. The exporter takes its other settings from the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> variables. Hosts add their own instrumentation to the returned builder (for example
/// <c>.WithTracing(t =&gt; t.AddAspNetCoreInstrumentation())</c>) and must not register a second OTLP exporter.
/// </summary>
public static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The meter of the Orleans runtime (messaging, grains, scheduler, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: calls to runtime grains and calls to application grains.</summary>
    public static IReadOnlyList<string> OrleansActivitySources { get; } = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IOpenTelemetryBuilder AddCivicContractingTelemetry(this IHostApplicationBuilder builder, string serviceName) =>
        builder.Services.AddCivicContractingTelemetry(builder.Configuration, serviceName);

    public static IOpenTelemetryBuilder AddCivicContractingTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter)
                .AddRuntimeInstrumentation());
        if (IsOtlpExportConfigured(configuration))
        {
            telemetry
                .WithTracing(tracing => tracing.AddSource([.. OrleansActivitySources]))
                .UseOtlpExporter();
        }
        return telemetry;
    }

    /// <summary>True when an OTLP endpoint is configured (environment variable or configuration key of the same name).</summary>
    public static bool IsOtlpExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable] ?? Environment.GetEnvironmentVariable(OtlpEndpointVariable));
}
