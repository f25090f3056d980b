using System.Reflection;
using System.Text.Json;
using CivicContracting.Commitments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Session;
using Orleans.Serialization.WireProtocol;
using Orleans.Storage;

namespace CivicContracting.Grains.Tests.Compatibility;

/// <summary>
/// A commitment's state as the version before sub-states stored it (every concern's fields flat, ids 0–47) reads into
/// this version's <see cref="CommitmentState"/>, every field into its sub-state; a state in the new layout round-trips;
/// one moved and written again holds no flat field. Through <see cref="OrleansGrainStorageSerializer"/>, as the SQLite and
/// PostgreSQL stores serialise grain state: bytes in, bytes out.
/// </summary>
public sealed class CommitmentStateLayoutTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(CommitmentState).Assembly).AddAssembly(typeof(CommitmentTerms).Assembly).AddAssembly(typeof(FlatCommitmentState).Assembly))
        .BuildServiceProvider();

    private static readonly IGrainStorageSerializer Storage = new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>());

    /// <summary>The ids of the root's own fields (terms, versions, lifecycle), in both layouts.</summary>
    private static readonly uint[] RootIds = [0, 1, 2, 3, 4, 5, 6, 7, 14, 15, 16, 17, 18, 25];

    /// <summary>The sub-states' ids: confirmation, reports, coaching, verification, moderation.</summary>
    private static readonly uint[] SubStateIds = [48, 49, 50, 51, 52];

    /// <summary>Root fields added after the sub-states: 53, the participant's owner awaiting e-mail verification.</summary>
    private static readonly uint[] LaterRootIds = [53];

    /// <summary>The ids of the layout before sub-states that this version still writes beside them (13: reports before segments).</summary>
    private static readonly uint[] FlatIds = [8, 9, 10, 11, 12, 13, 19, 20, 21, 22, 23, 24, 26, 27, 28, 29, 30, 31, 33, 34, 35, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47];

    private static byte[] StoredBefore() =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Compatibility", "BeforeSubStates", "commitment-state.bin"));

    private static byte[] Store<T>(T state) => Storage.Serialize(state).ToArray();

    private static T Load<T>(byte[] bytes) => Storage.Deserialize<T>(new BinaryData(bytes))!;

    [Fact]
    public void The_test_copy_of_the_flat_layout_writes_what_the_version_before_stored()
    {
        var stored = StoredBefore();
        // Value for value: the records inside (the draft, the reports) have since gained optional fields (issue 15: the
        // author's language), which this version writes as null, so the bytes of the copy are no longer those stored.
        Assert.Equivalent(FlatCommitmentState.EveryField(), Load<FlatCommitmentState>(stored), strict: true);
        Assert.Equal(FieldIds(stored), FieldIds(Store(FlatCommitmentState.EveryField())));
        Assert.Equal([.. Enumerable.Range(0, 48).Select(i => (uint)i).Except([32u, 36u])], FieldIds(stored));
        // The state is written as the expected type, without its name: what matches a field is its id, not the class's alias.
        var text = System.Text.Encoding.UTF8.GetString(stored);
        Assert.DoesNotContain("CommitmentState", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_flat_fields_keep_their_ids_and_types()
    {
        var flat = IdsOf(typeof(FlatCommitmentState));
        var now = IdsOf(typeof(CommitmentState));
        foreach (var (id, property) in flat)
            Assert.True(now.TryGetValue(id, out var kept) && kept.PropertyType == property.PropertyType, $"Id {id} ({property.Name}, {property.PropertyType}) is not kept.");
        Assert.Equal([.. SubStateIds, .. LaterRootIds], now.Keys.Except(flat.Keys).Order());
    }

    [Fact]
    public void A_state_stored_before_sub_states_loads_with_every_field_in_its_sub_state()
    {
        var before = FlatCommitmentState.EveryField();
        var state = Load<CommitmentState>(StoredBefore());

        // Recognised by what the bytes lack: no sub-state ids.
        Assert.Null(state.Confirmation);
        Assert.Null(state.Reports);
        Assert.Null(state.Coaching);
        Assert.Null(state.Verification);
        Assert.Null(state.Moderation);
        state.MoveIntoSubStates();

        AssertRootAsBefore(before, state);
        Same(before.Confirmation, state.Confirmation.Current);
        Same(before.FirstConfirmedAt, state.Confirmation.FirstConfirmedAt);
        Same(before.ConditionStatus, state.Confirmation.ConditionStatus);
        Same(before.ConditionMetAt, state.Confirmation.ConditionMetAt);
        Same(before.ConditionLapsedAt, state.Confirmation.ConditionLapsedAt);
        Same(before.ConditionTargetConfirmedAt, state.Confirmation.ConditionTargetConfirmedAt);
        Same(before.CoSigners, state.Confirmation.CoSigners);
        Same(before.Dependants, state.Confirmation.Dependants);

        Same(before.CurrentValue, state.Reports.CurrentValue);
        Same(before.CurrentValueAt, state.Reports.CurrentValueAt);
        Same(before.CompletedMilestones, state.Reports.CompletedMilestones);
        Same(before.LastReportAt, state.Reports.LastReportAt);
        Same(before.ReportCount, state.Reports.ReportCount);
        Same(before.RecentReports, state.Reports.RecentReports);
        Same(before.SealedSegments, state.Reports.SealedSegments);
        Same(before.SealedMax, state.Reports.SealedMax);
        Same(before.SegmentsOverlap, state.Reports.SegmentsOverlap);
        Same(before.RecentValues, state.Reports.RecentValues);

        Same(before.LastNudgedAt, state.Coaching.LastNudgedAt);
        Same(before.NudgeCount, state.Coaching.NudgeCount);
        Same(before.QueuedReason, state.Coaching.QueuedReason);
        Same(before.ReminderDueAt, state.Coaching.ReminderDueAt);
        Same(before.LastManualNudge, state.Coaching.LastManualNudge);
        Same(before.HelpRequestedAt, state.Coaching.HelpRequestedAt);
        Same(before.HelpRequest, state.Coaching.HelpRequest);

        Same(before.Verifications, state.Verification.Verifications);
        Same(before.NewestClaim, state.Verification.NewestClaim);
        Same(before.NewestVerifiedValue, state.Verification.NewestVerifiedValue);
        Same(before.VerifiedMilestones, state.Verification.VerifiedMilestones);
        Same(before.VerificationReportKeys, state.Verification.VerificationReportKeys);
        Assert.Same(StringComparer.Ordinal, state.Verification.Verifications.Comparer);
        Assert.Same(StringComparer.Ordinal, state.Verification.VerificationReportKeys.Comparer);

        Same(before.Moderation, state.Moderation.Actions);

        // The reports of the layout before segments stay for the grain, which moves them into segments on activation.
        Same(before.Reports, state.FlatReports);
    }

    [Fact]
    public void Flat_fields_at_their_defaults_or_absent_start_their_sub_states_as_a_new_commitment()
    {
        // A draft as the version before stored it: its lists written empty, its counters 0, the rest null.
        var every = FlatCommitmentState.EveryField();
        var bare = new FlatCommitmentState { Draft = every.Draft, Terms = every.Terms, TermsVersion = 1, CreatedAt = every.CreatedAt, UpdatedAt = every.UpdatedAt, Version = 1 };
        Assert.Equal(46, FieldIds(Store(bare)).Count); // Orleans writes a field at its default too, unless told to omit it
        var fromDefaults = Load<CommitmentState>(Store(bare));
        fromDefaults.MoveIntoSubStates();

        // A record older than the flat layout's fields: only the root's, so every flat list reads as null.
        var older = new CommitmentState { Draft = every.Draft, Terms = every.Terms, TermsVersion = 1, CreatedAt = every.CreatedAt, Version = 1 };
        Assert.Equal([0u, 2, 3, 4, 6, 15, 17, 25], FieldIds(Store(older)));
        var fromAbsent = Load<CommitmentState>(Store(older));
        Assert.Null(fromAbsent.FlatCoSigners);
        fromAbsent.MoveIntoSubStates();

        var fresh = new CommitmentState();
        fresh.MoveIntoSubStates();
        foreach (var state in new[] { fromDefaults, fromAbsent })
        {
            Same(fresh.Confirmation, state.Confirmation);
            Same(fresh.Reports, state.Reports);
            Same(fresh.Coaching, state.Coaching);
            Same(fresh.Verification, state.Verification);
            Same(fresh.Moderation, state.Moderation);
            Assert.NotNull(state.Confirmation.CoSigners);
            Assert.NotNull(state.Reports.RecentReports);
            Assert.Same(StringComparer.Ordinal, state.Verification.Verifications.Comparer);
        }
        Assert.Equal(1, fromDefaults.TermsVersion);
        Assert.Equal(every.Terms, fromDefaults.Terms);
    }

    [Fact]
    public void A_state_in_the_sub_state_layout_round_trips_and_is_not_moved_again()
    {
        var state = Load<CommitmentState>(StoredBefore());
        state.MoveIntoSubStates();
        state.FlatReports = null;
        var written = Store(state);

        var read = Load<CommitmentState>(written);
        var (confirmation, reports, coaching, verification, moderation) = (read.Confirmation, read.Reports, read.Coaching, read.Verification, read.Moderation);
        read.MoveIntoSubStates();
        Assert.Same(confirmation, read.Confirmation);
        Assert.Same(reports, read.Reports);
        Assert.Same(coaching, read.Coaching);
        Assert.Same(verification, read.Verification);
        Assert.Same(moderation, read.Moderation);
        Same(state, read);
        Assert.Equal(written, Store(read));
    }

    [Fact]
    public void This_version_writes_both_layouts_and_the_version_before_reads_every_value_from_it()
    {
        var state = Load<CommitmentState>(StoredBefore());
        state.MoveIntoSubStates();
        state.FlatReports = null; // moved into segments by the grain before it writes
        var written = Store(state);
        Assert.Equal([.. FlatIds.Except([13u]).Concat(RootIds).Concat(SubStateIds).Order()], FieldIds(written).Order());

        // What a silo of the version before reads (during a rolling upgrade): every value, as it stored them itself.
        var expected = FlatCommitmentState.EveryField();
        expected.Reports = [];
        Same(expected, Load<FlatCommitmentState>(written));

        // A change made through the sub-states is what the version before reads: the flat layout reads through to them.
        state.Coaching.NudgeCount = 7;
        state.Confirmation.CoSigners.Add(new CoSigner("p-added", DateTimeOffset.UnixEpoch, "24062A00"));
        state.Moderation = new CommitmentModerationState();
        var old = Load<FlatCommitmentState>(Store(state));
        Assert.Equal(7, old.NudgeCount);
        Assert.Contains(old.CoSigners, c => c.ParticipantId == "p-added");
        Assert.Empty(old.Moderation);

        // The lists and records are stored once and referred to from the second layout: the flat layout costs about its
        // scalars (dates, counts, a few strings), not a second copy of the reports, co-signers and verifications.
        var flat = Store(expected);
        var subStatesOnly = written.Length - flat.Length;
        Assert.True(written.Length < flat.Length * 1.5, $"{written.Length} bytes in both layouts, {flat.Length} flat");
        Assert.True(subStatesOnly < 400, $"The sub-states add {subStatesOnly} bytes to the {flat.Length} of the flat layout.");

        // A new commitment's state: the root's fields that are set, the flat layout's lists (empty) and the sub-states.
        var created = new CommitmentState { Draft = state.Draft, ParticipantKind = state.ParticipantKind, Scopes = state.Scopes, Terms = state.Terms, TermsVersion = 1, CreatedAt = state.CreatedAt, UpdatedAt = state.UpdatedAt, Version = 1 };
        created.MoveIntoSubStates();
        var createdIds = FieldIds(Store(created));
        Assert.Equal([0u, 1, 2, 3, 4, 6, 15, 16, 17, 25, .. SubStateIds], createdIds.Intersect([.. RootIds, .. SubStateIds]));
        var read = Load<FlatCommitmentState>(Store(created));
        Assert.Equal((0, 0), (read.CoSigners.Count, read.NudgeCount));
        Assert.Null(read.Confirmation);
    }

    [Fact]
    public void A_state_the_version_before_wrote_back_after_this_version_is_read_as_it_wrote_it()
    {
        // This version writes; a silo of the version before activates the commitment, changes it and writes it back with
        // the ids it knows, so the sub-states are gone from the record; then this version reads it again.
        var state = Load<CommitmentState>(StoredBefore());
        state.MoveIntoSubStates();
        state.FlatReports = null;
        var old = Load<FlatCommitmentState>(Store(state));
        old.NudgeCount += 1;
        old.HelpRequest = "Written by the version before.";
        old.Moderation = [];
        old.CoSigners = [.. old.CoSigners, new CoSigner("p-old", DateTimeOffset.UnixEpoch, "24062A00")];
        var writtenBack = Store(old);
        Assert.Empty(FieldIds(writtenBack).Intersect(SubStateIds));

        var read = Load<CommitmentState>(writtenBack);
        Assert.Null(read.Coaching);
        read.MoveIntoSubStates();
        Assert.Equal(old.NudgeCount, read.Coaching.NudgeCount);
        Assert.Equal("Written by the version before.", read.Coaching.HelpRequest);
        Assert.Empty(read.Moderation.Actions);
        Assert.Contains(read.Confirmation.CoSigners, c => c.ParticipantId == "p-old");
        Same(old.Verifications, read.Verification.Verifications);
        Same(old.RecentReports, read.Reports.RecentReports);
    }

    /// <summary>
    /// The flat layout reads through to the sub-states' lists: a copy (a grain call within a silo) and a round trip through
    /// the stored format keep each list once, not once per layout.
    /// </summary>
    [Fact]
    public void Lists_shared_by_both_layouts_are_copied_and_stored_once()
    {
        var state = Load<CommitmentState>(StoredBefore());
        state.MoveIntoSubStates();
        state.Reports.RecentReports.AddRange(state.Reports.RecentReports);
        state.Reports.RecentReports.AddRange(state.Reports.RecentReports);
        var n = state.Reports.RecentReports.Count;
        var copy = Services.GetRequiredService<DeepCopier>().Copy(state);
        Assert.Equal(n, copy.Reports.RecentReports.Count);
        Assert.Equal(n, copy.FlatRecentReports!.Count);
        copy.MoveIntoSubStates();
        Assert.Equal(n, copy.Reports.RecentReports.Count);
        var rt = Load<CommitmentState>(Store(state));
        Assert.Equal(n, rt.Reports.RecentReports.Count);
        rt.MoveIntoSubStates();
        Assert.Equal(n, rt.Reports.RecentReports.Count);
        rt.Reports.RecentReports.RemoveRange(0, 2);
        var rt2 = Load<CommitmentState>(Store(rt));
        Assert.Equal(n - 2, rt2.Reports.RecentReports.Count);
        var copy2 = Services.GetRequiredService<DeepCopier>().Copy(rt);
        Assert.Equal(n - 2, copy2.Reports.RecentReports.Count);
    }

    private static void AssertRootAsBefore(FlatCommitmentState before, CommitmentState state)
    {
        Same(before.Draft, state.Draft);
        Same(before.ParticipantKind, state.ParticipantKind);
        Same(before.Scopes, state.Scopes);
        Same(before.Terms, state.Terms);
        Same(before.TermsVersion, state.TermsVersion);
        Same(before.TermsValidFrom, state.TermsValidFrom);
        Same(before.EarlierVersions, state.EarlierVersions);
        Same(before.Status, state.Status);
        Same(before.WithdrawalReason, state.WithdrawalReason);
        Same(before.CreatedAt, state.CreatedAt);
        Same(before.UpdatedAt, state.UpdatedAt);
        Same(before.Version, state.Version);
        Same(before.PushedVersion, state.PushedVersion);
        Same(before.TemplateCopies, state.TemplateCopies);
    }

    /// <summary>Equal values, records with lists included (records compare lists by reference), as their JSON.</summary>
    private static void Same<T>(T expected, T actual) => Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    private static Dictionary<uint, PropertyInfo> IdsOf(Type type) =>
        type.GetProperties().Where(p => p.GetCustomAttribute<IdAttribute>() is not null).ToDictionary(p => p.GetCustomAttribute<IdAttribute>()!.Id);

    /// <summary>The ids of the fields the bytes hold at the state's top level, read as a generated deserialiser reads them.</summary>
    private static List<uint> FieldIds(byte[] bytes)
    {
        using var session = Services.GetRequiredService<SerializerSessionPool>().GetSession();
        var reader = Reader.Create(bytes, session);
        var root = reader.ReadFieldHeader();
        Assert.Equal((WireType.TagDelimited, SchemaType.Expected), (root.WireType, root.SchemaType));
        var ids = new List<uint>();
        uint id = 0;
        for (var field = reader.ReadFieldHeader(); !field.IsEndBaseOrEndObject; field = reader.ReadFieldHeader())
        {
            id += field.FieldIdDelta;
            ids.Add(id);
            reader.ConsumeUnknownField(field);
        }
        return ids;
    }
}
