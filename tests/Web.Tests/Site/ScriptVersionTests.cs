using CivicContracting.Web.Site;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Web.Tests.Site;

/// <summary>
/// The scripts' version names one deployment's files: the same files give the same version on every host (so several web
/// hosts behind one address agree), and any change to a script's contents or name gives another (so browsers that keep
/// the old files for good never meet a new page with old modules).
/// </summary>
public sealed class ScriptVersionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"civic-script-version-{Guid.NewGuid():N}");

    public ScriptVersionTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "js", "map"));
        File.WriteAllText(Path.Combine(_root, "js", "live.js"), "export const live = 1;\n");
        File.WriteAllText(Path.Combine(_root, "js", "map", "main.js"), "import { live } from '../live.js';\n");
        File.WriteAllText(Path.Combine(_root, "site.css"), "body {}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_same_files_give_the_same_version_and_URLs_under_it()
    {
        var first = new ScriptVersion(Environment(Environments.Production));
        var second = new ScriptVersion(Environment(Environments.Production));

        Assert.Matches("^[0-9a-f]{16}$", first.Value);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal($"/js/v/{first.Value}/map/main.js", first.Url("map/main.js"));
        Assert.True(first.IsImmutable);
    }

    [Fact]
    public void A_changed_script_a_renamed_script_or_a_new_script_changes_the_version_and_other_files_do_not()
    {
        var before = new ScriptVersion(Environment(Environments.Production)).Value;

        File.WriteAllText(Path.Combine(_root, "site.css"), "body { color: black }\n");
        Assert.Equal(before, new ScriptVersion(Environment(Environments.Production)).Value);

        File.WriteAllText(Path.Combine(_root, "js", "map", "main.js"), "import { live } from '../live.js'; // changed\n");
        var changed = new ScriptVersion(Environment(Environments.Production)).Value;
        Assert.NotEqual(before, changed);

        File.Move(Path.Combine(_root, "js", "map", "main.js"), Path.Combine(_root, "js", "map", "entry.js"));
        var renamed = new ScriptVersion(Environment(Environments.Production)).Value;
        Assert.NotEqual(changed, renamed);

        File.WriteAllText(Path.Combine(_root, "js", "extra.js"), "");
        Assert.NotEqual(renamed, new ScriptVersion(Environment(Environments.Production)).Value);
    }

    [Fact]
    public void In_Development_scripts_are_edited_while_the_host_runs_so_nothing_is_kept_for_good()
    {
        Assert.False(new ScriptVersion(Environment(Environments.Development)).IsImmutable);
    }

    private TestEnvironment Environment(string name) => new(name, new PhysicalFileProvider(_root));

    private sealed class TestEnvironment(string name, IFileProvider webRoot) : IWebHostEnvironment
    {
        public string WebRootPath { get; set; } = "";
        public IFileProvider WebRootFileProvider { get; set; } = webRoot;
        public string ApplicationName { get; set; } = "CivicContracting.Web";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = "";
        public string EnvironmentName { get; set; } = name;
    }
}
