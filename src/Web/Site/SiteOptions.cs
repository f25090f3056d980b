using System.ComponentModel.DataAnnotations;

namespace CivicContracting.Web.Site;

/// <summary>The public site's settings (configuration section "Site").</summary>
public sealed class SiteOptions
{
    public const string SectionName = "Site";

    /// <summary>
    /// The shortest time between two computations of what is derived from many commitments at once — the map's replay per
    /// filter and a goal's uncommitted gap — while changes arrive. They may lag the live figures by this much; the figures
    /// and the lists of commitments (kept by the shards' deltas) do not.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ListRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often every aggregate is read again from the grains anyway, and the contribution shards' sequences checked (a
    /// shard ahead of what this host holds is read again), in case a push was lost.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a gap in a contribution shard's delta numbers may wait for the missing delta before that shard is read
    /// again whole. Deltas are pushed one-way and may arrive out of order — under load by seconds — so a short wait turns
    /// reordering into whole-shard reads (O(the shard) each); a lost delta costs this much delay in the lists.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An optional background tile layer for the map, e.g. <c>https://tile.example.org/{z}/{x}/{y}.png</c>; empty: the map
    /// draws only the shipped boundaries, so it needs no tile server and sends visitors' requests nowhere else.
    /// </summary>
    [Url]
    public string? MapTileUrl { get; set; }

    /// <summary>The credit line the tile provider requires (shown with the map's own attribution).</summary>
    [MaxLength(500)]
    public string? MapTileAttribution { get; set; }
}
