using System.Net;

namespace CivicContracting.Web.Tests.Site;

/// <summary>A goal defined while the site runs is public at once, though it has no commitments that would push it.</summary>
[Collection(WebAppCollection.Name)]
public sealed class NewGoalTests(WebAppFixture app)
{
    [Fact]
    public async Task A_goal_defined_after_the_start_has_its_page_and_can_filter_the_map_right_away()
    {
        var goal = await app.Operator.DefineGoalAsync();

        var page = await app.Public.GetAsync($"/goals/{goal}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var replay = await app.Public.GetAsync($"/api/map/replay?goal={goal}");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);

        var unknown = await app.Public.GetAsync("/goals/no-such-goal-at-all");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("text/html", unknown.Content.Headers.ContentType?.MediaType);
    }
}
