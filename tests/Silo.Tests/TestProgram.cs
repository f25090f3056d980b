using CivicContracting.Silo.Tests.Storage;

namespace CivicContracting.Silo.Tests;

/// <summary>
/// The entry point of this test assembly when it runs as a program (the test runner does not use it): the crash test
/// starts <c>dotnet CivicContracting.Silo.Tests.dll crash-writer &lt;folder&gt;</c> as a child process and kills it.
/// Replaces the empty entry point that Microsoft.NET.Test.Sdk would generate (GenerateProgramFile=false).
/// </summary>
public static class TestProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [CrashWriter.Command, var folder])
            return await CrashWriter.RunAsync(folder);
        await Console.Error.WriteLineAsync($"usage: {CrashWriter.Command} <folder>");
        return 2;
    }
}
