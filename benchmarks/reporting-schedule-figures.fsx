// Figures of the reporting schedule's cost, counted with the grains' own bucket and hour classes (no Orleans, no clock):
// for N commitments whose reminders fall evenly over 90 days, or all in one hour (a city imported in minutes), the
// entries each bucket write carries (mean and largest), the buckets of the widest hour (what a sweep of it visits), and
// what one write of a shard of the reminder index of earlier versions carried at the end (N / 64 commitment ids).
// Build first (dotnet build src/Grains -c Release), then: dotnet fsi benchmarks/reporting-schedule-figures.fsx
#r "../src/Grains/bin/Release/net10.0/CivicContracting.Grains.Abstractions.dll"
#r "../src/Grains/bin/Release/net10.0/CivicContracting.Grains.dll"
open System
open System.Collections.Generic
open CivicContracting.Commitments
open CivicContracting.Commitments.Scheduling

let start = DateTimeOffset(2030, 3, 1, 9, 0, 0, TimeSpan.Zero)

let run (n: int) (oneHour: bool) =
    let hours = ReportingHours(Dictionary<int64, int>())
    let buckets = Dictionary<string, ReportingBucket>()
    let random = Random(12)
    let mutable written = 0L
    let mutable largest = 0
    for _ in 1 .. n do
        let span = if oneHour then 3599.0 else TimeSpan.FromDays(90.0).TotalSeconds
        let dueAt = start + TimeSpan.FromSeconds(random.NextDouble() * span)
        let id = "c-" + random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16")
        // What a commitment does: note the hour, schedule in its slot's bucket, widen the hour when the bucket is crowded.
        let hour = ReportingSchedule.HourOf dueAt
        let struct (level, _) = hours.Note hour
        let key = ReportingSchedule.BucketKey(hour, ReportingSchedule.SlotFor(id, level))
        let bucket =
            match buckets.TryGetValue key with
            | true, bucket -> bucket
            | _ ->
                let bucket = ReportingBucket(Dictionary<string, DateTimeOffset>())
                buckets[key] <- bucket
                bucket
        bucket.Schedule(id, dueAt) |> ignore
        written <- written + int64 bucket.Count
        largest <- max largest bucket.Count
        if ReportingSchedule.IsCrowded bucket.Count then hours.Widen(hour, level) |> ignore
    let widest = hours.All |> Seq.map (fun struct (_, level) -> ReportingSchedule.Width level) |> Seq.max
    printfn "%9d %-8s  entries per bucket write: mean %5.1f, largest %3d | widest hour: %5d buckets | old index shard write: %6d ids"
        n (if oneHour then "one hour" else "90 days") (float written / float n) largest widest (n / 64)

for n in [ 1_000; 10_000; 100_000; 1_000_000 ] do
    run n false
    run n true
