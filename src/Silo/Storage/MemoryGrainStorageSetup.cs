using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace CivicContracting.Silo.Storage;

/// <summary>Orleans' memory grain storage for the "memory" profile and the tests, storing state as the durable stores do.</summary>
public static class MemoryGrainStorageSetup
{
    /// <summary>
    /// Memory storage in Orleans' binary format, as the SQLite and PostgreSQL stores write, instead of the memory provider's
    /// JSON default: the state classes are written for that format (version tolerance by [Id]; a commitment's earlier layout
    /// reads through to its sub-states, which a JSON reader filling the lists it finds would append to twice).
    /// </summary>
    public static ISiloBuilder AddBinaryMemoryGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.AddMemoryGrainStorage(name);
        silo.Services.AddOptions<MemoryGrainStorageOptions>(name).Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        return silo;
    }
}
