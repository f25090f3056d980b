using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CivicContracting.Commitments;

[GenerateSerializer, Alias("cc.CommitmentDeadlineState.v1")]
public sealed class CommitmentDeadlineState
{
    /// <summary>Commitment id → the deadline of its waiting condition.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Pending { get; set; } = [];
}
