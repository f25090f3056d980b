-- Civic Contracting, PostgreSQL schema version 1: grain storage for Orleans' ADO.NET provider (invariant Npgsql).
--
-- The silo applies the scripts in this folder in order of their number, each once, in its own transaction, under
-- an advisory lock, and records each in civic_schema_version (src/Silo/Storage/PostgreSqlSchema.cs). A released
-- script is never edited: a change is a new script with the next number.
--
-- Orleans.Persistence.AdoNet reads its statements from OrleansQuery at start-up (keys ReadFromStorageKey,
-- WriteToStorageKey, ClearStorageKey and the optional DeleteStorageKey) and binds typed parameters:
--   @GrainIdHash, @GrainTypeHash  integer    32-bit hashes of the grain id and grain type
--   @GrainIdN0, @GrainIdN1        bigint     the numeric key parts (0 for string keys)
--   @GrainIdExtensionString       text       the string key or key extension (NULL when there is none)
--   @GrainTypeString, @ServiceId  text       the grain type and the cluster's service id
--   @GrainStateVersion            integer    the version the grain last read or wrote (NULL: it believes no row exists)
--   @PayloadBinary                bytea      the serialized state (write only)
-- Read answers PayloadBinary and Version. Write and clear answer one row with the new version as
-- NewGrainStateVersion when they applied and no row when the stored version differs from @GrainStateVersion
-- (optimistic concurrency): the provider then throws InconsistentStateException and a stale activation can
-- never overwrite newer state. Each statement runs as its own transaction, committed before the provider's call
-- returns (synchronous_commit stays on), so an acknowledged write is durable.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    ServiceId              text        NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    -- '' stands for "no string key or extension", so that the natural key can be the primary key.
    GrainIdExtensionString text        NOT NULL DEFAULT '',
    -- NULL after ClearStateAsync: the row and its version stay, so a later write still checks the version.
    PayloadBinary          bytea       NULL,
    Version                integer     NOT NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    -- The hashes lead so that the index narrows to a row on two integers; the rest resolves hash collisions
    -- and lets the first write of a grain use INSERT ... ON CONFLICT DO NOTHING.
    CONSTRAINT PK_OrleansStorage PRIMARY KEY
        (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- Grain state is rewritten often and never scanned: leave room on each page so updates stay on the page (HOT).
ALTER TABLE OrleansStorage SET (fillfactor = 80);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
'),
-- One statement: a grain that holds a version updates exactly that version (a concurrent writer of the same row
-- waits for the row lock, then finds the version changed and updates nothing); a grain that holds none inserts,
-- and finds a conflict when another activation inserted first. At most one of the two produces a row.
('WriteToStorageKey', '
WITH updated AS
(
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
      AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND Version = @GrainStateVersion
    RETURNING Version
),
inserted AS
(
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
         PayloadBinary, Version, ModifiedOn)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT Version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT Version AS NewGrainStateVersion FROM inserted;
'),
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
'),
-- Used only with AdoNetGrainStorageOptions.DeleteStateOnClear: removes the row and answers a version that
-- differs from the grain''s, which the provider reads as success.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
