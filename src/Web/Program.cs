using CivicContracting.Web;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Api;
using CivicContracting.Web.Coaching;
using CivicContracting.Web.Commitments;
using CivicContracting.Web.Embeds;
using CivicContracting.Web.Evidence;
using CivicContracting.Web.Feeds;
using CivicContracting.Web.Following;
using CivicContracting.Web.Goals;
using CivicContracting.Web.Hosting;
using CivicContracting.Web.Imports;
using CivicContracting.Web.Json;
using CivicContracting.Web.LanguageSwitch;
using CivicContracting.Web.Live;
using CivicContracting.Web.Map;
using CivicContracting.Web.Meta;
using CivicContracting.Web.Moderation;
using CivicContracting.Web.Operations;
using CivicContracting.Web.Participants;
using CivicContracting.Web.Places;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Progress;
using CivicContracting.Web.ReadModel;
using CivicContracting.Web.Search;
using CivicContracting.Web.Security;
using CivicContracting.Web.Sessions;
using CivicContracting.Web.Sharing;
using CivicContracting.Web.Site;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// Civic Contracting's web host: the JSON API over the grains. `dotnet run --project src/Web` co-hosts a silo
// (Orleans:Mode=CoHosted) for the one-command local run; in production it is a client of a silo cluster
// (Orleans:Mode=Client, Orleans:Gateways=host:port,...).
// `CivicContracting.Web import FILE [--url URL --token TOKEN]` loads a city from a JSON Lines or CSV file and exits
// (0 loaded, 1 errors in the file, 2 bad usage, 3 not finished: run it again to continue); see ImportCommand.cs.
if (args.Length > 0 && string.Equals(args[0], ImportCommand.Name, StringComparison.OrdinalIgnoreCase))
{
    // Ctrl+C stops the import at once and records where it got, so that running it again continues without waiting for its lease.
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    return await ImportCommand.RunAsync(args[1..], Console.Out, Console.Error, interrupted.Token);
}
// `CivicContracting.Web backup FOLDER`: an online backup of the embedded SQLite profile while the app runs (SiloBackup.cs).
if (args.Length > 0 && string.Equals(args[0], OrleansHosting.BackupCommand, StringComparison.OrdinalIgnoreCase))
    return await OrleansHosting.RunBackupAsync(args[1..]);

try
{
    var app = CivicContracting.Web.CivicContractingWebApp.Build(args);
    // A second local instance: say which silo port is taken instead of failing inside Orleans with a stack trace.
    if (app.Services.GetRequiredService<OrleansHostingSettings>().Mode == OrleansMode.CoHosted
        && OrleansHosting.FindTakenSiloPort(app.Configuration) is { } taken)
    {
        Console.Error.WriteLine($"Civic Contracting cannot start: {taken}");
        return 4;
    }
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    Console.Error.WriteLine("Civic Contracting cannot start: the configuration is invalid.");
    foreach (var failure in invalid.Failures)
        Console.Error.WriteLine($"  - {failure}");
    return 2;
}
catch (Exception failure) when (OrleansHosting.DescribeTakenPort(failure) is { } taken)
{
    Console.Error.WriteLine($"Civic Contracting cannot start: {taken}");
    return 4;
}
catch (Orleans.Runtime.Messaging.ConnectionFailedException unreachable)
{
    Console.Error.WriteLine($"Civic Contracting cannot start: the Orleans cluster did not answer within Orleans:ConnectTimeout ({unreachable.Message}).");
    Console.Error.WriteLine("  Check that the silo runs and that Orleans:Gateways, Orleans:ClusterId and Orleans:ServiceId match it.");
    return 3;
}

namespace CivicContracting.Web
{
    /// <summary>Builds the web application; the tests call <see cref="Build"/> to host the real app on a loopback port.</summary>
    public static class CivicContractingWebApp
    {
        public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                ContentRootPath = ContentRoot(),
                // wwwroot (with the npm-built map scripts) is copied beside the binaries, like appsettings.json.
                WebRootPath = Path.Combine(ContentRoot(), "wwwroot"),
            });
            configure?.Invoke(builder);
            // ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS / --urls, else http://127.0.0.1:5000; no Server header (Silo/Hosting/HostListening).
            OrleansHosting.ListenAsConfigured(builder, "http://127.0.0.1:5000");

            // A relative data folder is taken from the working directory (src/Web under `dotnet run --project src/Web`,
            // which runs web projects in their project folder), not from the binaries, so a clean never touches the data.
            if (builder.Configuration["Storage:DataDirectory"] is { Length: > 0 } dataDirectory && !Path.IsPathRooted(dataDirectory))
                builder.Configuration["Storage:DataDirectory"] = Path.GetFullPath(dataDirectory, Environment.CurrentDirectory);

            // Settings, checked now so that a wrong value stops the start with a message that names it.
            builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            var api = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = api.MaxRequestBodyBytes);

            // Orleans: a co-hosted silo or a client of a separate cluster.
            var orleans = builder.AddCivicContractingOrleans();
            builder.AddCivicContractingDashboard(orleans);

            // Telemetry: the platform's (Orleans, runtime, CivicContracting meter; Prometheus at /metrics), plus ASP.NET Core
            // requests. Traces when OTEL_EXPORTER_OTLP_ENDPOINT is set or Telemetry:Tracing=true.
            var telemetry = builder.AddPlatformTelemetry("civic-contracting-web");
            telemetry.WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation());
            if (OrleansHosting.IsTracingEnabled(builder.Configuration))
                telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(o => o.Filter = c => !IsOperationsPath(c.Request.Path)));

            // JSON and errors: one dialect, and problem+json for everything that goes wrong.
            builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
            builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
            builder.Services.AddProblemDetails();
            builder.Services.AddExceptionHandler<ApiExceptionHandler>();

            // Security: public reads; writes by signed-in people (session cookie + antiforgery, or a personal access token)
            // within what they may do for whom (Accounts/AccessRules), and the operator token to bootstrap.
            builder.Services.AddCivicContractingAccounts(OperatorToken.FromOptions(api));
            builder.AddCivicContractingOpenIdConnect();
            // Security headers and CSP on every response, HSTS in production (Security:*); rate limits on writes (RateLimits:*).
            builder.AddCivicContractingSecurityHeaders();
            // Embeddable widgets under /embed (Embeds:FrameAncestors may frame them) and oEmbed; Atom and iCalendar feeds under /feeds.
            builder.AddCivicContractingEmbeds();
            builder.Services.AddCivicContractingFeeds();
            builder.AddCivicContractingForwardedHeaders();
            builder.AddCivicContractingRateLimits();

            // Evidence uploads (Evidence:*; stored per Storage:Profile) and bulk progress: CSV imports and metric feeds (Progress:*).
            builder.AddCivicContractingEvidence();
            builder.AddCivicContractingProgressImports();
            // The operator import of a city (Import:*): POST /api/operations/imports and the `import` command.
            builder.AddCivicContractingImports();

            builder.Services.TryAddSingleton(TimeProvider.System);
            // The commitments' calendar (dates of reports, confirmations, drafts): the silo's own when co-hosted.
            builder.Services.TryAddSingleton(sp => new CivicContracting.Hosting.CivicClock(sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<MapRenderer>();

            // The public site: server-rendered pages in Dutch (texts in Texts/SiteText.resx), read from this host's memory.
            builder.Services.AddOptions<SiteOptions>().Bind(builder.Configuration.GetSection(SiteOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddOptions<CivicContracting.Web.OpenData.OpenDataOptions>().Bind(builder.Configuration.GetSection(CivicContracting.Web.OpenData.OpenDataOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddOptions<AccessibilityStatementOptions>().Bind(builder.Configuration.GetSection(AccessibilityStatementOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddSingleton<SiteData>();
            builder.Services.AddSingleton<ContributionSync>();
            builder.Services.AddSingleton<CommitmentViews>();
            builder.Services.AddSingleton<CivicContracting.Web.Goals.GoalGapReader>();
            builder.Services.AddSingleton<ReplayCache>();
            builder.Services.AddSingleton<FilteredLists>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.ScopeCommitments>();
            // Open data: the bulk downloads and their per-client cap (OpenData/OpenDataEndpoints.cs).
            builder.Services.AddOptions<CivicContracting.Web.OpenData.OpenDataDownloadOptions>().Bind(builder.Configuration.GetSection(CivicContracting.Web.OpenData.OpenDataDownloadOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddSingleton<CivicContracting.Web.OpenData.OpenDataDownloads>();
            builder.Services.AddSingleton<CivicContracting.Web.OpenData.OpenDataExport>();
            builder.Services.AddOptions<CivicContracting.Web.Changes.FeedOptions>().Bind(builder.Configuration.GetSection(CivicContracting.Web.Changes.FeedOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddSingleton<CivicContracting.Web.Changes.ChangeFeed>();
            // Application commands: one per action that changes state, shared by the API, the site's forms and imports.
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.CreateCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.ReviseCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.CoSignCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.TakeUpTemplateCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.CloseCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.ReportProgressCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.ConfirmCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.UpgradeCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.WithdrawCommitmentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.VerifyClaimCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Commitments.PeerConfirmClaimCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Moderation.FlagCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Moderation.ModerateCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Moderation.HelpRequestCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Goals.DefineGoalCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Goals.ReviseGoalCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Following.FollowCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Coaching.NudgeCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Coaching.SupportNoteCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Coaching.SetCoachProfileCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Coaching.AssignCoachCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Coaching.UnassignCoachCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Sessions.RecordSessionCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Sessions.UpdateSessionCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.AddResidentCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.AddOrganisationCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.DeleteAccountCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.SetLanguageCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.CreateAccessTokenCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.RevokeAccessTokenCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.SetMemberCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.RemoveMemberCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.GrantRoleCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Accounts.RevokeRoleCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Evidence.StoreEvidenceCommand>();
            builder.Services.AddSingleton<CivicContracting.Web.Participants.VerifyParticipantCommand>();
            // Per-account budgets of drafts, confirmations and reports an hour (WriteBudgets:*), spent by the commands.
            CivicContracting.Web.Accounts.WriteBudgets.AddTo(builder);
            builder.Services.AddHostedService<SiteDataSync>();
            // Full-text search (Search:*): an index per web host, fed by the same pushes as the read model.
            builder.AddCivicContractingSearch();
            // No ResourcesPath: Texts/SiteText.resx is embedded under its marker type's name (Texts/SiteText.cs), which the localizer asks for.
            builder.Services.AddLocalization();
            builder.Services.AddSingleton(sp => new SiteTextLocalizer(sp.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SiteText>>()));
            // Named explicitly: when tests or benchmarks host the app, the entry assembly is theirs, not this one.
            builder.Services.AddRazorPages(o => o.Conventions.AddFolderApplicationModelConvention("/", SiteCaching.Apply))
                .AddApplicationPart(typeof(CivicContractingWebApp).Assembly);
            builder.Services.AddOutputCache(SiteCaching.Configure);
            builder.Services.AddSingleton<ScriptVersion>();
            builder.AddCivicContractingLive();
            // A lambda, not a method group: Microsoft.AspNetCore.OpenApi's source generator intercepts this call to add the
            // XML doc comments' descriptions, and recognises only this shape.
            builder.Services.AddOpenApi(options => OpenApiSetup.Configure(options));
            // robots.txt, the sitemap, the favicon and the pages' sharing metadata (Sharing/), at Accounts:PublicUrl.
            builder.AddCivicContractingSharing();
            builder.Services.AddPlatformHealthChecks(orleans);

            var app = builder.Build();

            app.UseCivicContractingForwardedHeaders();
            app.UseCivicContractingSecurityHeaders();
            // API paths answer errors in problem+json; the public site's pages in HTML (Pages/Error.cshtml).
            app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = SitePaths.ErrorPath(500) });
            app.UseWhen(context => !SitePaths.IsPage(context.Request.Path), api => api.UseStatusCodePages());
            app.UseWhen(context => SitePaths.IsPage(context.Request.Path), site => site.UseStatusCodePagesWithReExecute(SitePaths.ErrorPath("{0}")));
            app.UseSiteCulture();
            // Scripts under /js/v/{version}/ are kept by browsers for good, the plain /js ones revalidated: see StaticFileCaching.
            app.UseVersionedScripts();
            app.UseStaticFiles(StaticFileCaching.Options());
            // After the error handlers, so that re-executing a request for the error page routes it again.
            app.UseRouting();
            // After routing (it reads the endpoint's authorization): public reads under /api readable from any origin, nothing else.
            app.UsePublicReadCors();
            app.UseAuthentication();
            // After authentication: the output cache serves and stores only anonymous requests' pages (a signed-in
            // person's pages show their own actions and must never reach anyone else).
            app.UseOutputCache();
            // After authentication: an authenticated client's writes draw from its own bucket, anyone else's from its IP's.
            app.UseRateLimiter();
            app.UseApiAntiforgery();
            app.UseAuthorization();

            app.MapOpenApi();
            // The interactive API reference at /api/docs (Scalar, served from this app).
            app.MapApiReference();
            app.MapPlatformEndpoints();
            app.MapCivicContractingDashboard(orleans);
            app.MapMeta();
            // The language switcher: GET /language/{code}?returnUrl=… (LanguageSwitch/LanguageEndpoints.cs).
            app.MapLanguage();
            app.MapAccounts();
            app.MapOpenIdConnectSignIn();
            app.MapFollowing();
            app.MapGoals();
            app.MapPlaces();
            CivicContracting.Web.Changes.ChangeFeedEndpoints.MapOpenFeed(app);
            app.MapParticipants();
            app.MapCommitments();
            app.MapVerification();
            app.MapSessions();
            app.MapCoaching();
            app.MapModeration();
            app.MapEvidence();
            app.MapProgressImports();
            app.MapImports();
            app.MapMap();
            CivicContracting.Web.OpenData.OpenDataEndpoints.MapOpenData(app);
            app.MapSearch();
            app.MapLive();
            app.MapSharing();
            app.MapEmbeds();
            app.MapFeeds();
            app.MapRazorPages();

            StartupBanner.Register(app, orleans);
            return app;
        }

        /// <summary>Probes, scrapes and the dashboard's polling are not traced: they would drown the requests that matter.</summary>
        private static bool IsOperationsPath(PathString path) =>
            path.StartsWithSegments("/health") || path.StartsWithSegments(OrleansHosting.MetricsPath) || path.StartsWithSegments(DashboardHosting.Path);

        /// <summary>Where appsettings.json is: beside the binaries, so `dotnet run --project src/Web` finds it from any folder.</summary>
        private static string ContentRoot() => AppContext.BaseDirectory;
    }
}

/// <summary>Exposed for tests that refer to the entry assembly.</summary>
public partial class Program;
