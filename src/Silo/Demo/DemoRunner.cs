using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicContracting.Silo.Demo;

/// <summary>
/// Runs the demo inside the silo: once the silo is active (<see cref="ServiceLifecycleStage.Active"/>) it starts
/// seeding, and then simulating, in the background, so start-up is not held up; when the silo stops, the
/// background work is cancelled first (the Active stage stops before the runtime does). Every silo that registers
/// the demo runs it: for the seed that is harmless (it is idempotent, and concurrent runs meet the grains'
/// idempotent contracts), but switch the simulator on for one silo of a cluster only.
/// </summary>
public sealed class DemoRunner(DemoSeeder seeder, DemoSimulator simulator, IOptions<DemoOptions> options, ILogger<DemoRunner> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<SeedResult?> _seeded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _background = Task.CompletedTask;

    /// <summary>Completes when seeding has finished (with null when seeding is off or failed).</summary>
    public Task<SeedResult?> Seeded => _seeded.Task;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DemoRunner), ServiceLifecycleStage.Active, OnStart, OnStop);

    public void Dispose() => _stopping.Dispose();

    private Task OnStart(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Seed && !demo.Simulate)
        {
            _seeded.TrySetResult(null);
            return Task.CompletedTask;
        }
        _background = Task.Run(() => RunAsync(demo, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _background.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: nothing more to wait for.
        }
    }

    private async Task RunAsync(DemoOptions demo, CancellationToken cancellationToken)
    {
        try
        {
            if (demo.Seed)
            {
                try
                {
                    _seeded.TrySetResult(await seeder.SeedAsync(cancellationToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _seeded.TrySetResult(null);
                    logger.LogError(ex, "Seeding the demo data failed; the silo runs on without it.");
                }
            }
            else
            {
                _seeded.TrySetResult(null);
            }

            if (demo.Simulate)
                await simulator.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Demo seeding/simulation stopped: the silo is shutting down.");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The demo simulator stopped after an unexpected error.");
        }
        finally
        {
            _seeded.TrySetResult(null);
        }
    }
}
