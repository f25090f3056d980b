// One app with the Leuven demo data and one browser serve every test; the tests run one after the other, so the live
// tests' 2-second bounds measure the app, not a neighbour test, on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
