using CivicContracting.Silo.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
await builder.Build().RunAsync();
