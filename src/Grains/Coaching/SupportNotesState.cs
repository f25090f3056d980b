using System.Globalization;

namespace CivicContracting.Coaching;

[GenerateSerializer, Alias("cc.SupportNotesState.v1")]
public sealed class SupportNotesState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<SupportNote> Notes { get; set; } = [];

    [Id(1)] public long Sequence { get; set; }
}
