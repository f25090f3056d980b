namespace CivicContracting.Commitments;

/// <summary>
/// Marker for the formal text's words (CommitmentTextResources*.resx beside it: Dutch, the neutral resources, French and
/// English). The build embeds each .resx under this class's full name, which <see cref="CommitmentText"/> asks for.
/// </summary>
public sealed class CommitmentTextResources;
