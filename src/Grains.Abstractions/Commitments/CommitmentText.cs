using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CivicContracting.Commitments;

/// <summary>
/// The exact text a participant confirms, and its hash. The confirmation records the hash so that anyone can
/// check later that the terms shown are the terms that were confirmed.
/// </summary>
public static class CommitmentText
{
    public static string Render(CommitmentTerms terms)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Level: {terms.Level}\nTitle: {terms.Title}\nDescription: {terms.Description}\n");
        foreach (var milestone in terms.Milestones ?? [])
            text.Append(CultureInfo.InvariantCulture, $"Action {milestone.Id}: {milestone.Title} (due {milestone.DueDate:yyyy-MM-dd})\n");
        if (terms.Target is { } target)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Target: {target.Metric} from {target.Baseline:R} to {target.Target:R} {target.Unit} by {target.Deadline:yyyy-MM-dd}\n");
        }
        return text.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 rendering.</summary>
    public static string Hash(CommitmentTerms terms) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Render(terms))));
}
