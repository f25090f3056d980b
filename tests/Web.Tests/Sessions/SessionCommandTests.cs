using CivicContracting.Accounts;
using CivicContracting.Participants;
using CivicContracting.Sessions;
using CivicContracting.Validation;
using CivicContracting.Web.Accounts;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Sessions;
using CivicContracting.Web.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CivicContracting.Web.Tests.Sessions;

/// <summary>
/// Recording and changing a co-creation session without HTTP (POST and PUT /api/sessions and the site's session form call
/// these commands): coaches and administrators only, the same rules for every entrance, and nothing stored when refused.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class SessionCommandTests(WebAppFixture app)
{
    private const string Neighbourhood = "24062W13";

    private RecordSessionCommand Record => app.Services.GetRequiredService<RecordSessionCommand>();

    private UpdateSessionCommand Update => app.Services.GetRequiredService<UpdateSessionCommand>();

    private IClusterClient Orleans => app.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task Only_coaches_and_administrators_record_a_session_once_and_refused_calls_store_nothing()
    {
        var goal = await CommandTestGoal.EnsureAsync(app);
        var (coach, resident, moderator) = await PeopleAsync();
        var details = Details(goal);
        var id = $"s-cmd-{Guid.NewGuid():N}";

        await RefusedAsync(401, () => Record.RunAsync(Actor.Anonymous, details, id));
        await RefusedAsync(403, () => Record.RunAsync(resident, details, id));
        await RefusedAsync(403, () => Record.RunAsync(moderator, details, id));
        await RefusedAsync(403, () => Record.RunAsync(Actor.BootstrapOperator, details, id));
        await RefusedAsync(403, () => Record.RunAsync(Token(coach, AccessTokenScopes.ReadPrivate), details, id));
        Assert.Equal(401, Assert.Throws<ApiProblemException>(() => RecordSessionCommand.Authorise(Actor.Anonymous)).Status);
        Assert.Null(await SessionAsync(id));

        var recorded = await Record.RunAsync(coach, details, id);
        Assert.True(recorded.Created);
        Assert.Equal((id, "Burgerpanel Kessel-Lo", 25), (recorded.Session.Id, recorded.Session.Details.Title, recorded.Session.AttendanceTotal));
        // The same session again is a no-op; other details under its id a conflict that changes nothing.
        var again = await Record.RunAsync(coach, details, id);
        Assert.Equal((false, recorded.Session.Version), (again.Created, again.Session.Version));
        await Assert.ThrowsAsync<StateConflictException>(() => Record.RunAsync(coach, details with { Title = "Een ander panel" }, id));
        Assert.Equal("Burgerpanel Kessel-Lo", (await SessionAsync(id))!.Details.Title);
        // Without an id, one is chosen.
        var fresh = await Record.RunAsync(Actor.Operator, details, null);
        Assert.True(fresh.Created);
        Assert.StartsWith("s-", fresh.Session.Id, StringComparison.Ordinal);
        Assert.NotNull(await SessionAsync(fresh.Session.Id));
    }

    [Fact]
    public async Task Bad_details_get_every_field_error_at_once_the_same_for_the_form_and_the_API_and_nothing_is_stored()
    {
        var goal = await CommandTestGoal.EnsureAsync(app);
        var (coach, _, _) = await PeopleAsync();
        var id = $"s-cmd-{Guid.NewGuid():N}";
        var unknownGoal = $"g-none-{Guid.NewGuid():N}";
        var bad = Details(goal) with
        {
            Title = " ",
            StartsAt = DateTimeOffset.UtcNow.AddYears(3),
            GoalIds = [goal, unknownGoal],
            Attendance = new Dictionary<ParticipantKind, int> { [ParticipantKind.Resident] = -1 },
        };
        string[] expected = ["attendance.resident", "goalIds[1]", "startsAt", "title"];

        // What the form shows (CheckAsync) is what the API answers (RunAsync): one rule set. An unknown goal is named
        // beside the other errors; the API named it only once everything else was right.
        var check = await Record.CheckAsync(bad, id);
        Assert.Equal(expected, check.ByField.Keys.Order(StringComparer.Ordinal));
        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => Record.RunAsync(coach, bad, id));
        Assert.Equal(expected, rejected.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(unknownGoal, Assert.Single(rejected.Errors["goalIds[1]"]), StringComparison.Ordinal);
        Assert.Contains("id", (await Assert.ThrowsAsync<InputRejectedException>(() => Record.RunAsync(coach, Details(goal), "not an id!"))).Errors.Keys);
        Assert.Null(await SessionAsync(id));
    }

    [Fact]
    public async Task Title_venue_and_notes_are_stored_without_surrounding_spaces_whichever_entrance_sends_them()
    {
        // Behaviour change: the form trimmed these and the API did not; the command now does it for both.
        var goal = await CommandTestGoal.EnsureAsync(app);
        var (coach, _, _) = await PeopleAsync();
        var padded = Details(goal) with { Title = "  Burgerpanel Kessel-Lo  ", Venue = " Zaal De Bron ", Notes = "   " };

        var recorded = await Record.RunAsync(coach, padded, $"s-cmd-{Guid.NewGuid():N}");
        var stored = (await SessionAsync(recorded.Session.Id))!.Details;
        Assert.Equal(("Burgerpanel Kessel-Lo", "Zaal De Bron", null), (stored.Title, stored.Venue, stored.Notes));
        // So the padded and the tidy details are the same session: sending either again is a no-op.
        var tidy = await Record.RunAsync(coach, Details(goal) with { Notes = null }, recorded.Session.Id);
        Assert.Equal((false, recorded.Session.Version), (tidy.Created, tidy.Session.Version));
        // A title that is only too long because of its spaces is fine.
        var spaced = Details(goal) with { Title = "  " + new string('t', InputRules.MaxTitleLength) + "  " };
        Assert.True((await Record.CheckAsync(spaced, null)).IsValid);
    }

    [Fact]
    public async Task Only_coaches_and_administrators_change_a_session_that_exists_by_the_same_rules()
    {
        var goal = await CommandTestGoal.EnsureAsync(app);
        var (coach, resident, moderator) = await PeopleAsync();
        var id = (await Record.RunAsync(Actor.Operator, Details(goal), $"s-cmd-{Guid.NewGuid():N}")).Session.Id;
        var before = (await SessionAsync(id))!;

        await RefusedAsync(401, () => Update.AuthoriseAsync(Actor.Anonymous, id));
        await RefusedAsync(403, () => Update.AuthoriseAsync(resident, id));
        await RefusedAsync(403, () => Update.AuthoriseAsync(moderator, id));
        await RefusedAsync(403, () => Update.AuthoriseAsync(Token(coach, AccessTokenScopes.ReadPrivate), id));
        await RefusedAsync(404, () => Update.AuthoriseAsync(coach, $"s-none-{Guid.NewGuid():N}"));
        await RefusedAsync(404, () => Update.AuthoriseAsync(coach, "not an id!"));
        // A stranger is refused before the session is looked up: 403, not 404.
        await RefusedAsync(403, () => Update.AuthoriseAsync(resident, $"s-none-{Guid.NewGuid():N}"));

        var permit = await Update.AuthoriseAsync(coach, id);
        Assert.Equal(id, permit.Session.Id);
        var tooLate = Details(goal) with { StartsAt = DateTimeOffset.UtcNow.AddYears(2) };
        Assert.Contains("startsAt", (await Update.CheckAsync(tooLate)).ByField.Keys);
        Assert.Contains("startsAt", (await Assert.ThrowsAsync<InputRejectedException>(() => Update.RunAsync(permit, tooLate))).Errors.Keys);
        // What the caller found in input the details do not carry (the API's body id) is refused with them.
        var more = new InputRules.Errors().Add("id", "The id is the one in the path.");
        Assert.Contains("id", (await Assert.ThrowsAsync<InputRejectedException>(() => Update.RunAsync(permit, Details(goal) with { Title = "Verplaatst" }, more))).Errors.Keys);
        var unchanged = (await SessionAsync(id))!;
        Assert.Equal((before.Version, before.Details.Title), (unchanged.Version, unchanged.Details.Title));

        var updated = await Update.RunAsync(permit, Details(goal) with { Title = " Burgerpanel, verplaatst " });
        Assert.Equal("Burgerpanel, verplaatst", updated.Details.Title);
        Assert.Equal(("Burgerpanel, verplaatst", before.Version + 1), ((await SessionAsync(id))!.Details.Title, (await SessionAsync(id))!.Version));
    }

    private static CoCreationSessionDetails Details(string goalId) => new(
        CoCreationSessionKind.CitizenPanel,
        "Burgerpanel Kessel-Lo",
        new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-3).AddHours(18), TimeSpan.Zero),
        Neighbourhood,
        "Zaal De Bron",
        [goalId],
        new Dictionary<ParticipantKind, int> { [ParticipantKind.Resident] = 23, [ParticipantKind.School] = 2 },
        "Twee bewoners vragen een terugbelafspraak.");

    /// <summary>A coach, a resident and a moderator, as actors of a session.</summary>
    private async Task<(Actor Coach, Actor Resident, Actor Moderator)> PeopleAsync()
    {
        using var coach = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, coach.AccountId, "coach");
        using var resident = await People.SignUpAsync(app.BaseAddress, Neighbourhood);
        using var moderator = await People.SignUpAsync(app.BaseAddress);
        await People.GrantAsync(app.Operator, moderator.AccountId, "moderator");
        return (await ActorOfAsync(coach.AccountId), await ActorOfAsync(resident.AccountId), await ActorOfAsync(moderator.AccountId));
    }

    private Task<CoCreationSessionView?> SessionAsync(string id) => Orleans.GetGrain<ICoCreationSessionGrain>(id).Get();

    private static Actor Token(Actor person, params string[] scopes) =>
        person with { Kind = ActorKind.AccessToken, Scopes = new HashSet<string>(scopes, StringComparer.Ordinal) };

    private static async Task RefusedAsync(int status, Func<Task> act)
    {
        var refused = await Assert.ThrowsAsync<ApiProblemException>(act);
        Assert.Equal(status, refused.Status);
    }

    private async Task<Actor> ActorOfAsync(string accountId) =>
        new(ActorKind.Session, await Orleans.GetGrain<IAccountGrain>(accountId).Get() ?? throw new InvalidOperationException($"No account {accountId}."), null);
}
