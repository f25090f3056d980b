using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CivicContracting.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Security;
using CivicContracting.Web.Texts;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Accounts;

/// <summary>
/// Per-account write budgets (configuration section "WriteBudgets"): how many drafts, confirmations and progress reports
/// one person may send an hour. Far above what a person, a school's feed or a co-creation session sends; far below a
/// script faking engagement (issue 14: 1,000 drafts in 1.3 s). The operator token (imports, demo data, benchmarks) has
/// no account and no budget; the support team, who enter a session's paper forms, have <see cref="SupportTeamFactor"/> times as much.
/// </summary>
public sealed class WriteBudgetOptions
{
    public const string SectionName = "WriteBudgets";

    /// <summary>Off: nothing is counted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Drafts created, revised or taken up from a template, per account and hour.</summary>
    [Range(1, 1_000_000)]
    public int DraftsPerHour { get; set; } = 60;

    /// <summary>Confirmations, upgrades and co-signatures per account and hour.</summary>
    [Range(1, 1_000_000)]
    public int ConfirmationsPerHour { get; set; } = 60;

    /// <summary>Progress reports per account and hour (a CSV import or metric-feed batch counts as one).</summary>
    [Range(1, 1_000_000)]
    public int ProgressReportsPerHour { get; set; } = 600;

    /// <summary>How many times the budgets coaches, moderators and administrators have.</summary>
    [Range(1, 1_000)]
    public int SupportTeamFactor { get; set; } = 10;

    public int PerHour(BudgetedWrite write) => write switch
    {
        BudgetedWrite.Draft => DraftsPerHour,
        BudgetedWrite.Confirmation => ConfirmationsPerHour,
        _ => ProgressReportsPerHour,
    };
}

/// <summary>
/// The budgets as the commands spend them: one call per write, before the write, to the account's
/// <see cref="IWriteBudgetGrain"/> (shared by every web host). Beyond the budget: 429 problem+json with Retry-After, and
/// nothing is written. Cost: one in-memory grain call, whatever the size of the city.
/// </summary>
public sealed partial class WriteBudgets(IClusterClient orleans, IOptionsMonitor<WriteBudgetOptions> options, ILogger<WriteBudgets> logger)
{
    public static void AddTo(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WriteBudgetOptions>().Bind(builder.Configuration.GetSection(WriteBudgetOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        SettingsValidation.BindAndValidate<WriteBudgetOptions>(builder.Configuration, WriteBudgetOptions.SectionName);
        builder.Services.AddSingleton<WriteBudgets>();
    }

    /// <summary>Takes one <paramref name="write"/> from the actor's budget; throws 429 when it is spent. The operator token has none.</summary>
    public async Task SpendAsync(Actor actor, BudgetedWrite write)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || actor.Account is not { } account)
            return;
        var perHour = settings.PerHour(write) * (actor.IsSupportTeam ? settings.SupportTeamFactor : 1);
        if (await orleans.GetGrain<IWriteBudgetGrain>(account.Id).TrySpend(write, perHour) is not { } retryAfter)
            return;
        LogBudgetSpent(logger, account.Id, write, perHour);
        throw Exceeded(write, perHour, retryAfter);
    }

    /// <summary>The 429 a spent budget answers: what, how many an hour, the setting, and when to try again.</summary>
    public static ApiProblemException Exceeded(BudgetedWrite write, int perHour, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var detail = write switch
        {
            BudgetedWrite.Draft => ApiText.WriteBudgetSpentDrafts(perHour, seconds),
            BudgetedWrite.Confirmation => ApiText.WriteBudgetSpentConfirmations(perHour, seconds),
            _ => ApiText.WriteBudgetSpentReports(perHour, seconds),
        };
        return new ApiProblemException(StatusCodes.Status429TooManyRequests, ApiText.TitleTooManyRequests, detail)
        {
            RetryAfter = TimeSpan.FromSeconds(seconds),
            Write = write,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} spent its budget of {PerHour} {Write} writes an hour")]
    private static partial void LogBudgetSpent(ILogger logger, string accountId, BudgetedWrite write, int perHour);
}
