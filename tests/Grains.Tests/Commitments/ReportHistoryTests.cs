using CivicContracting.Commitments;
using CivicContracting.Goals;
using CivicContracting.Hosting;
using CivicContracting.Validation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace CivicContracting.Grains.Tests.Commitments;

/// <summary>
/// A commitment's report history outside its hot state (CommitmentGrain.Reports.cs): what a report writes does not grow
/// with the history, ids are deduplicated over all of it, it reads in pages newest first, old reports are verified and
/// moderated, and commitments stored with all reports in their state are moved into segments.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReportHistoryTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private IGrainFactory Grains => fixture.Grains;

    private InProcessSiloHandle Silo => fixture.Cluster.Primary as InProcessSiloHandle ?? throw new InvalidOperationException("The test cluster's silos run in this process.");

    /// <summary>Reports dated from ten days ago, a minute apart, so that 2,100 of them lie in the past.</summary>
    private static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-10), TimeSpan.Zero);

    /// <summary>Report <paramref name="i"/>: a fixed-width id, a value, a minute after the one before.</summary>
    private static ProgressReport Report(int i, int? minute = null) =>
        new($"r-{i:D5}", Start.AddMinutes(minute ?? i), Value: 20 + (i % 60));

    private async Task<ICommitmentGrain> ConfirmedAsync(CommitmentTerms? terms = null)
    {
        var participant = await TestData.Participant(Grains);
        var goal = await TestData.Goal(Grains);
        return Grains.GetGrain<ICommitmentGrain>(await TestData.ConfirmedCommitment(Grains, participant, terms ?? TestData.ResultTerms(20, 80), "24062W13", new GoalWeight(goal)));
    }

    /// <summary>Sends reports in batches (one write each).</summary>
    private static async Task BatchAsync(ICommitmentGrain commitment, IEnumerable<ProgressReport> reports)
    {
        foreach (var chunk in reports.Chunk(CommitmentLimits.MaxReportsPerBatch))
            await commitment.ReportProgressBatch(chunk);
    }

    /// <summary>The whole history through the pages, newest first.</summary>
    private static async Task<List<ProgressReport>> AllPagesAsync(ICommitmentGrain commitment, int pageSize)
    {
        var all = new List<ProgressReport>();
        for (var page = 1; ; page++)
        {
            var history = await commitment.GetReports(page, pageSize);
            Assert.Equal((page, pageSize), (history.Page, history.PageSize));
            all.AddRange(history.Reports);
            if (history.Reports.Count < pageSize)
            {
                Assert.Equal(history.TotalReports, all.Count);
                return all;
            }
        }
    }

    /// <summary>The expected history, newest first: by date, and of reports of the same date the later arrival first.</summary>
    private static List<ProgressReport> NewestFirst(IReadOnlyList<ProgressReport> inArrivalOrder) =>
        [.. inArrivalOrder.Select((r, arrival) => (r, arrival)).OrderByDescending(x => x.r.ReportedAt).ThenByDescending(x => x.arrival).Select(x => x.r)];

    /// <summary>Deactivates the commitment and waits until the silo no longer holds it, so the next call reads it from storage.</summary>
    private async Task DeactivateAsync(ICommitmentGrain commitment)
    {
        var id = commitment.GetGrainId();
        await commitment.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var management = Grains.GetGrain<IManagementGrain>(0);
        await Eventually.Until(async () => !(await management.GetActiveGrains(id.Type)).Contains(id), TimeSpan.FromSeconds(10), $"{id} deactivated");
    }

    private static IReadOnlyList<StorageWrites.Write> WritesOf(ICommitmentGrain commitment) => StorageWrites.Of(commitment.GetGrainId());

    /// <summary>Reports each of <paramref name="reports"/> alone; returns the bytes each call wrote (its state, and a segment when it sealed one).</summary>
    private static async Task<List<(int State, int Segments)>> ReportOneByOneAsync(ICommitmentGrain commitment, IEnumerable<ProgressReport> reports)
    {
        var written = new List<(int, int)>();
        foreach (var report in reports)
        {
            var before = WritesOf(commitment).Count;
            await commitment.ReportProgress(report);
            var writes = WritesOf(commitment).Skip(before).ToList();
            written.Add((writes.Where(w => w.StateName == CommitmentGrain.StateName).Sum(w => w.Bytes),
                writes.Where(w => w.StateName.StartsWith(CommitmentGrain.SegmentStatePrefix, StringComparison.Ordinal)).Sum(w => w.Bytes)));
        }
        return written;
    }

    [Fact]
    public async Task A_report_after_2000_writes_as_many_bytes_as_one_after_100_and_never_more_than_the_bound()
    {
        var commitment = await ConfirmedAsync();
        var serializer = Silo.SiloHost!.Services.GetRequiredService<Serializer>();
        var empty = WritesOf(commitment).Last(w => w.StateName == CommitmentGrain.StateName).Bytes;

        var early = await ReportOneByOneAsync(commitment, Enumerable.Range(0, 150).Select(i => Report(i)));
        await BatchAsync(commitment, Enumerable.Range(150, 1_850).Select(i => Report(i)));
        var late = await ReportOneByOneAsync(commitment, Enumerable.Range(2_000, 150).Select(i => Report(i)));

        // Reports 101-150 and 2,001-2,050 stand at the same point of the segment cycle (1,900 is a multiple of the segment
        // size): each writes the same state, give or take the width of larger sequence numbers, and the same segment.
        Assert.Equal(0, 1_900 % CommitmentGrain.SegmentSize);
        for (var i = 100; i < 150; i++)
        {
            Assert.True(Math.Abs(late[i - 100].State - early[i].State) <= CommitmentGrain.MaxReportsInState + 8,
                $"Report {i + 1} wrote {early[i].State} bytes of state; report {i + 1_901} wrote {late[i - 100].State}.");
            Assert.True(Math.Abs(late[i - 100].Segments - early[i].Segments) <= CommitmentGrain.SegmentSize + 8,
                $"Report {i + 1} wrote {early[i].Segments} bytes of segments; report {i + 1_901} wrote {late[i - 100].Segments}.");
        }
        Assert.Equal(3, late.Count(w => w.Segments > 0)); // one segment per 50 reports

        // The bound: the state as it was without reports, plus at most MaxReportsInState reports and the newest values,
        // the newest claim and the counters (a few hundred bytes); and when a segment is sealed, SegmentSize reports.
        var oneReport = StorageWrites.SizeOf(serializer, new StoredReport(2_100, Report(2_100)));
        var stateBound = empty + (CommitmentGrain.MaxReportsInState * (oneReport + 2)) + 512;
        var segmentBound = (CommitmentGrain.SegmentSize * (oneReport + 2)) + 64;
        output.WriteLine($"State without reports {empty} B; one report {oneReport} B; report 10: {early[9].State} B; reports 101-150: state {early.Skip(100).Min(w => w.State)}-{early.Skip(100).Max(w => w.State)} B, "
            + $"segments {early.Skip(100).Max(w => w.Segments)} B; reports 2,001-2,150: state {late.Min(w => w.State)}-{late.Max(w => w.State)} B, segments {late.Max(w => w.Segments)} B; bounds {stateBound} + {segmentBound} B.");
        Assert.All(late, w => Assert.True(w.State <= stateBound && w.Segments <= segmentBound,
            $"A report wrote {w.State} bytes of state (bound {stateBound}) and {w.Segments} of segments (bound {segmentBound})."));

        var view = await commitment.Get();
        Assert.Equal(2_150, view!.ReportCount);
        Assert.Equal(Enumerable.Range(2_130, 20).Select(i => Report(i)), view.Reports);
    }

    [Fact]
    public async Task The_history_reads_in_pages_newest_first_and_a_view_carries_the_newest_reports()
    {
        var commitment = await ConfirmedAsync();
        var reports = Enumerable.Range(0, 237).Select(i => Report(i)).ToList();
        await BatchAsync(commitment, reports.Take(120));
        foreach (var report in reports.Skip(120).Take(7))
            await commitment.ReportProgress(report);
        await BatchAsync(commitment, reports.Skip(127));

        var expected = NewestFirst(reports);
        var view = (await commitment.Get())!;
        Assert.Equal(237, view.ReportCount);
        Assert.Equal(expected.Take(ReportHistory.NewestInView).Reverse(), view.Reports);
        Assert.Equal(expected.Where(r => r.Value is not null).Take(Trajectories.TrendPoints).Reverse().Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value)), view.RecentValues);

        foreach (var pageSize in new[] { 1, 7, 20, 50, 100 })
            Assert.Equal(expected, await AllPagesAsync(commitment, pageSize));
        var third = await commitment.GetReports(3, 50);
        Assert.Equal(expected.Skip(100).Take(50), third.Reports);
        Assert.Equal(237, third.TotalReports);
        Assert.Empty((await commitment.GetReports(6, 50)).Reports);
        Assert.Equal(reports.Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value)), await commitment.GetReportedValues());

        // The same from storage, in a new activation.
        await DeactivateAsync(commitment);
        Assert.Equal(expected.Skip(137).Take(50), (await commitment.GetReports(2, 100)).Reports.Skip(37).Take(50));
        Assert.Equal(expected, await AllPagesAsync(commitment, 30));
    }

    [Fact]
    public async Task Reports_arriving_backdated_and_out_of_order_read_in_date_order_in_every_activation()
    {
        var commitment = await ConfirmedAsync();
        var random = new Random(20260822);
        // 300 reports over 200 minutes (some share a date), sent in a random order: singly, and in batches.
        var reports = Enumerable.Range(0, 300).Select(i => Report(i, minute: random.Next(200))).OrderBy(_ => random.Next()).ToList();
        var sent = 0;
        while (sent < reports.Count)
        {
            var take = Math.Min(reports.Count - sent, random.Next(1, 4) == 1 ? random.Next(20, 90) : 1);
            if (take == 1)
                await commitment.ReportProgress(reports[sent]);
            else
                await commitment.ReportProgressBatch(reports.GetRange(sent, take));
            sent += take;
        }

        var expected = NewestFirst(reports);
        var view = (await commitment.Get())!;
        Assert.Equal(expected.Take(ReportHistory.NewestInView).Reverse(), view.Reports);
        Assert.Equal(expected[0].Value, view.CurrentValue);
        Assert.Equal(expected, await AllPagesAsync(commitment, 20));
        Assert.Equal(Enumerable.Reverse(expected).Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value)), await commitment.GetReportedValues());
        Assert.Equal(expected.Where(r => r.Value is not null).Take(Trajectories.TrendPoints).Reverse().Select(r => new ReportedValue(r.ReportedAt, r.Value!.Value)), view.RecentValues);

        await DeactivateAsync(commitment);
        Assert.Equal(expected.Skip(40).Take(20), (await commitment.GetReports(3, 20)).Reports);
        Assert.Equal(expected, await AllPagesAsync(commitment, 64));
        foreach (var report in reports.Where((_, i) => i % 37 == 0))
            Assert.Equal(report, await commitment.FindReport(report.ReportId));
        Assert.Null(await commitment.FindReport("r-none"));
        Assert.Equal([reports[5], reports[250]], await commitment.FindReports([reports[5].ReportId, "r-none", reports[250].ReportId, reports[5].ReportId]));
    }

    [Fact]
    public async Task A_retry_of_any_earlier_report_is_stored_once_and_another_report_under_its_id_is_a_conflict_in_every_activation()
    {
        var commitment = await ConfirmedAsync();
        var reports = Enumerable.Range(0, 200).Select(i => Report(i)).ToList();
        await BatchAsync(commitment, reports.Take(150));
        foreach (var report in reports.Skip(150))
            await commitment.ReportProgress(report);
        var stored = (await commitment.Get())!;
        Assert.True(stored.ReportCount > CommitmentGrain.MaxReportsInState);

        async Task AssertDeduplicated()
        {
            // The oldest report lies in the first sealed segment.
            var retry = await commitment.ReportProgress(reports[0]);
            Assert.Equal((stored.Version, 200), (retry.Version, retry.ReportCount));
            await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgress(reports[0] with { Value = 99 }));
            await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgress(reports[70] with { Note = "Another report." }));

            // A CSV import re-sent whole: every report counted as stored, nothing stored again.
            var resent = await commitment.ReportProgressBatch([.. reports.Take(1_000)]);
            Assert.Equal((0, 200, stored.Version), (resent.Stored, resent.AlreadyStored, resent.View.Version));
            await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgressBatch([Report(500), reports[3] with { Value = 21.5 }]));
            Assert.Null(await commitment.FindReport("r-00500"));
            Assert.Equal(200, (await commitment.Get())!.ReportCount);
        }

        await AssertDeduplicated();
        await DeactivateAsync(commitment);
        await AssertDeduplicated();

        // A batch of old and new reports after a new activation: the old ones counted, the new ones stored.
        await DeactivateAsync(commitment);
        var mixed = await commitment.ReportProgressBatch([reports[1], Report(200), reports[120], Report(201)]);
        Assert.Equal((2, 2, 202), (mixed.Stored, mixed.AlreadyStored, mixed.View.ReportCount));
    }

    [Fact]
    public async Task Paging_and_lookups_refuse_bad_input_naming_the_field()
    {
        var commitment = await ConfirmedAsync();
        await commitment.ReportProgress(Report(0));
        Assert.Contains("page", (await Assert.ThrowsAsync<InputRejectedException>(() => commitment.GetReports(0, 10))).Errors.Keys);
        Assert.Contains("pageSize", (await Assert.ThrowsAsync<InputRejectedException>(() => commitment.GetReports(1, 0))).Errors.Keys);
        Assert.Contains("pageSize", (await Assert.ThrowsAsync<InputRejectedException>(() => commitment.GetReports(1, ReportHistory.MaxPageSize + 1))).Errors.Keys);
        var pastTheEnd = await commitment.GetReports(int.MaxValue, ReportHistory.MaxPageSize);
        Assert.Equal((0, 1), (pastTheEnd.Reports.Count, pastTheEnd.TotalReports));
        await Assert.ThrowsAsync<InputRejectedException>(() => commitment.FindReports([.. Enumerable.Range(0, ReportHistory.MaxLookup + 1).Select(i => $"r-{i}")]));

        var unknown = Grains.GetGrain<ICommitmentGrain>(TestData.NewId("c"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => unknown.GetReports(1, 10));
        Assert.Null(await unknown.FindReport("r-00000"));
        Assert.Empty(await unknown.FindReports(["r-00000"]));
        Assert.Empty(await unknown.GetReportedValues());
    }

    [Fact]
    public async Task An_old_claim_in_a_sealed_segment_is_verified_and_moderated_and_verified_progress_is_the_newest_verified_value()
    {
        var commitment = await ConfirmedAsync(TestData.ResultTerms(20, 80));
        var verification = Grains.GetGrain<ICommitmentVerificationGrain>(commitment.GetPrimaryKeyString());
        var reports = Enumerable.Range(0, 160).Select(i => Report(i)).ToList();
        await BatchAsync(commitment, reports);
        await DeactivateAsync(commitment);

        // r-00010 (value 30) lies in the first segment.
        var verified = await verification.VerifyClaim("r-00010", "acc-coach", "Counted at the gate.");
        Assert.Equal(ProgressRules.OfResult(TestData.Target(20, 80), 30), verified.VerifiedProgress!.Value, 12);
        Assert.Equal(VerificationTier.SelfDeclared, verified.ClaimTier); // the newest claim, r-00159, is not verified
        var newer = await verification.VerifyClaim("r-00070", "acc-coach", "Counted again."); // value 30 too: 20 + 70 % 60
        await verification.ConfirmClaim("r-00005", await TestData.Participant(Grains), null);
        var older = await verification.VerifyClaim("r-00040", "acc-coach", "Counted earlier."); // value 60, but older than r-00070
        Assert.Equal(newer.VerifiedProgress, older.VerifiedProgress);
        Assert.Equal(["r-00005", "r-00010", "r-00040", "r-00070"], older.Verifications!.Select(v => v.ReportId));
        var newest = await verification.VerifyClaim("r-00159", "acc-coach", "Read off the counter.");
        Assert.Equal(VerificationTier.Verified, newest.ClaimTier);
        Assert.Equal(Math.Min(newest.Progress!.Value, ProgressRules.OfResult(TestData.Target(20, 80), Report(159).Value!.Value)), newest.VerifiedProgress!.Value, 12);
        Assert.Equal(newest.VerifiedProgress, (await commitment.GetContribution())!.VerifiedProgress);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => verification.VerifyClaim("r-none", "acc-coach", "Not there."));

        // Moderation of the old report; the same after a new activation.
        var moderation = Grains.GetGrain<ICommitmentModerationGrain>(commitment.GetPrimaryKeyString());
        var hidden = await moderation.Hide(ModerationTarget.Report, "r-00010", "Personal data in the note.", "acc-moderator");
        Assert.NotNull(hidden.ReportHiddenBy("r-00010"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => moderation.Hide(ModerationTarget.Report, "r-none", "Not there.", "acc-moderator"));
        await DeactivateAsync(commitment);
        var shown = await moderation.Unhide(ModerationTarget.Report, "r-00010", "Checked again.", "acc-moderator");
        Assert.Null(shown.ReportHiddenBy("r-00010"));
        Assert.Equal(newest.VerifiedProgress, shown.VerifiedProgress);
        Assert.Equal(older.Verifications!.Append(newest.Verifications![^1]), shown.Verifications);
    }

    [Fact]
    public async Task An_action_completed_by_an_old_report_counts_as_verified_once_that_report_is_verified()
    {
        var commitment = await ConfirmedAsync(TestData.ActionTerms(4));
        var verification = Grains.GetGrain<ICommitmentVerificationGrain>(commitment.GetPrimaryKeyString());
        var notes = Enumerable.Range(1, 120).Select(i => new ProgressReport($"n-{i:D3}", Start.AddMinutes(10 + i), Note: $"Week {i}."));
        await BatchAsync(commitment, [new ProgressReport("done-m1", Start, CompletedMilestoneId: "m1"), .. notes, new ProgressReport("done-m2", Start.AddDays(1), CompletedMilestoneId: "m2")]);
        await DeactivateAsync(commitment);

        var view = await verification.VerifyClaim("done-m1", "acc-coach", "Seen on site.");
        Assert.Equal(0.25, view.VerifiedProgress!.Value, 12);
        Assert.Equal(VerificationTier.SelfDeclared, view.ClaimTier); // done-m2 is the newest claim
        Assert.Equal(VerificationTier.Verified, (await verification.VerifyClaim("done-m2", "acc-coach", "Seen too.")).ClaimTier);
        await Assert.ThrowsAsync<InputRejectedException>(() => verification.VerifyClaim("n-001", "acc-coach", "A note is no claim."));
    }

    [Fact]
    public async Task A_segment_left_by_a_failed_write_is_replaced_but_a_stale_activation_replaces_nothing()
    {
        var storage = Silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var reports = Enumerable.Range(0, 200).Select(i => Report(i)).ToList();
        var junk = new CommitmentReportSegment { Reports = [.. Enumerable.Range(0, CommitmentGrain.SegmentSize).Select(i => new StoredReport(i, Report(900 + i)))] };

        // A seal whose commitment write never happened left segment 0 behind; the commitment's state does not count it.
        var commitment = await ConfirmedAsync();
        await BatchAsync(commitment, reports.Take(60));
        await storage.WriteStateAsync(CommitmentGrain.SegmentName(0), commitment.GetGrainId(), new GrainState<CommitmentReportSegment>(junk));
        await BatchAsync(commitment, reports.Skip(60).Take(10)); // seals segment 0 over the orphan
        await DeactivateAsync(commitment);
        Assert.Equal(NewestFirst(reports.Take(70).ToList()), await AllPagesAsync(commitment, 100));

        // Another activation has moved on meanwhile (its state was written after this one's): this one seals nothing.
        var stale = await ConfirmedAsync();
        await BatchAsync(stale, reports.Take(60));
        await storage.WriteStateAsync(CommitmentGrain.SegmentName(0), stale.GetGrainId(), new GrainState<CommitmentReportSegment>(junk));
        var ahead = new GrainState<CommitmentState>();
        await storage.ReadStateAsync(CommitmentGrain.StateName, stale.GetGrainId(), ahead);
        ahead.State!.Reports.SealedSegments = 1; // as if it had sealed the junk segment
        ahead.State.Reports.ReportCount = 110;
        await storage.WriteStateAsync(CommitmentGrain.StateName, stale.GetGrainId(), ahead);
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.ReportProgressBatch([.. reports.Skip(60).Take(10)]));
        var segment = new GrainState<CommitmentReportSegment>();
        await storage.ReadStateAsync(CommitmentGrain.SegmentName(0), stale.GetGrainId(), segment);
        Assert.Equal(junk.Reports, segment.State!.Reports);
        // The stale activation is gone: the next call reads what the other one stored.
        Assert.Equal(110, (await Eventually.Value(() => stale.Get(), v => v!.ReportCount == 110))!.ReportCount);
    }

    [Fact]
    public async Task A_commitment_stored_with_all_its_reports_in_its_state_is_moved_into_segments_when_it_is_activated()
    {
        // The shape the versions before segments stored, as it reads into this version's state: the flat layout (no
        // sub-states, CommitmentState.Earlier.cs) with the history in its Reports (Id 13), in date order, and none of the
        // fields that hold it now. Written for a new commitment id, next to a real commitment it copies its terms from.
        var template = await ConfirmedAsync(TestData.ResultTerms(20, 80));
        var storage = Silo.SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var current = new GrainState<CommitmentState>();
        await storage.ReadStateAsync(CommitmentGrain.StateName, template.GetGrainId(), current);

        var reports = Enumerable.Range(0, 130).Select(i => Report(i)).ToList();
        reports[125] = reports[125] with { Value = null, Note = "Only a note." };
        var confirmed = current.State!;
        var legacy = LegacyCommitmentStates.BeforeSegments(confirmed, reports);
        // No LastReportAt: from before it, the reporting interval runs from the last report's date.
        legacy.FlatVerifications = new(StringComparer.Ordinal)
        {
            ["r-00003"] = new("r-00003", VerificationTier.Verified, "acc-coach", Start, "Counted."),
            ["r-00001"] = new("r-00001", VerificationTier.PeerConfirmed, "p-peer", Start, null),
        };
        var id = TestData.NewId("c");
        var commitment = Grains.GetGrain<ICommitmentGrain>(id);
        await storage.WriteStateAsync(CommitmentGrain.StateName, commitment.GetGrainId(), new GrainState<CommitmentState>(legacy));

        var view = (await commitment.Get())!;
        var expected = NewestFirst(reports);
        Assert.Equal((130, legacy.Version), (view.ReportCount, view.Version));
        Assert.Equal(expected.Take(20).Reverse(), view.Reports);
        Assert.Equal(expected, await AllPagesAsync(commitment, 25));
        Assert.Equal(["r-00001", "r-00003"], view.Verifications!.Select(v => v.ReportId));
        Assert.Equal(VerificationTier.SelfDeclared, view.ClaimTier); // r-00129, the newest claim
        Assert.Equal(Math.Min(view.Progress!.Value, ProgressRules.OfResult(TestData.Target(20, 80), Report(3).Value!.Value)), view.VerifiedProgress!.Value, 12);

        // Stored the new way: in sub-states, no reports left in the old list, two full segments, 30 newest reports.
        var migrated = new GrainState<CommitmentState>();
        await storage.ReadStateAsync(CommitmentGrain.StateName, commitment.GetGrainId(), migrated);
        var migratedState = migrated.State!;
        Assert.Null(migratedState.FlatReports);
        Assert.NotNull(migratedState.Verification);
        Assert.NotNull(migratedState.Confirmation);
        Assert.Equal((2, 30, 130), (migratedState.Reports.SealedSegments, migratedState.Reports.RecentReports.Count, migratedState.Reports.ReportCount));
        Assert.Equal(reports[^1].ReportedAt, migratedState.Reports.LastReportAt);
        Assert.Equal(["r-00001", "r-00003"], migratedState.Verification.Verifications.Keys.Order());
        Assert.Equal(confirmed.Confirmation.Current, migratedState.Confirmation.Current);
        for (var segment = 0; segment < 2; segment++)
        {
            var stored = new GrainState<CommitmentReportSegment>();
            await storage.ReadStateAsync(CommitmentGrain.SegmentName(segment), commitment.GetGrainId(), stored);
            Assert.Equal(reports.Skip(segment * 50).Take(50), stored.State!.Reports.Select(r => r.Report));
        }

        // And it keeps working: an old id is deduplicated, a new report stored, in this activation and the next.
        Assert.Equal(view.Version, (await commitment.ReportProgress(reports[2])).Version);
        var next = await commitment.ReportProgress(Report(130));
        Assert.Equal(131, next.ReportCount);
        await DeactivateAsync(commitment);
        await Assert.ThrowsAsync<StateConflictException>(() => commitment.ReportProgress(reports[4] with { Value = 1 }));
        Assert.Equal(reports.Append(Report(130)), Enumerable.Reverse(await AllPagesAsync(commitment, 100)));
    }
}
