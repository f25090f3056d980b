using CivicContracting.Goals;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Goals;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests;

/// <summary>
/// One goal the coaching and session tests share, defined once (again is a no-op): they only need a goal to exist, and
/// every root goal they added would lengthen the shared app's list that <c>ReadApiTests</c> reads 100 at a time.
/// </summary>
public static class CommandTestGoal
{
    public const string Id = "g-command-tests";

    public static async Task<string> EnsureAsync(WebAppFixture app)
    {
        var definition = new GoalDefinition("Gedeeld testdoel", "Voor de tests van coaching en cocreatie-momenten.", new GoalScope(PlaceLevel.City, []));
        return (await app.Services.GetRequiredService<DefineGoalCommand>().RunAsync(Actor.Operator, definition, Id)).Info.Id;
    }
}
