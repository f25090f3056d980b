// The tests host real apps with real silos on a 2-core machine; running the collections one after the other keeps
// the latency test (aggregates within 1 s) honest and the run predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
