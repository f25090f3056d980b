namespace CivicContracting.Web.Tests.Progress;

/// <summary>
/// One <see cref="ProgressWorld"/> per app for the account and evidence command and form tests, which need an
/// organisation and fresh commitments but no goal of their own: every world defines a root goal, and the shared app's
/// list of root goals is read a page of 100 at a time (ReadApiTests). Not disposed: it lives as long as the app.
/// </summary>
public static class SharedProgressWorld
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<Uri, ProgressWorld> Worlds = [];

    public static async Task<ProgressWorld> GetAsync(WebAppFixture app)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Worlds.TryGetValue(app.BaseAddress, out var world))
                Worlds[app.BaseAddress] = world = await ProgressWorld.CreateAsync(app);
            return world;
        }
        finally
        {
            Gate.Release();
        }
    }
}
