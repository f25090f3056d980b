using CivicContracting.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.AddCivicContractingSilo(builder.Configuration));
var app = builder.Build();
await app.RunAsync();
