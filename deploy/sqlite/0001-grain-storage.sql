-- Civic Contracting, SQLite schema version 1: grain storage for Orleans' ADO.NET provider.
--
-- The silo applies the scripts in this folder in order of their number, each once, inside a transaction, and
-- records each in CivicSchemaVersion (src/Silo/Storage/SqliteSchema.cs). A released script is never edited:
-- a change is a new script with the next number (0002-....sql).
--
-- Orleans.Persistence.AdoNet reads its statements from OrleansQuery at start-up (keys WriteToStorageKey,
-- ReadFromStorageKey, ClearStorageKey and the optional DeleteStorageKey) and binds these parameters:
--   @GrainIdHash, @GrainTypeHash      32-bit hashes of the grain id and grain type
--   @GrainIdN0, @GrainIdN1            the numeric key parts (0 for string keys)
--   @GrainIdExtensionString           the string key or key extension (NULL when there is none)
--   @GrainTypeString, @ServiceId      the grain type and the cluster's service id
--   @GrainStateVersion                the version the grain last read or wrote (NULL: it believes no row exists)
--   @PayloadBinary                    the serialized state (write only)
-- Optimistic concurrency: a write or clear returns the new version as NewGrainStateVersion in one row when it
-- applied, and no row when the stored version differs from @GrainStateVersion. The provider treats a missing
-- or unchanged version as a conflict and throws InconsistentStateException, so a stale activation can never
-- overwrite newer state.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    ServiceId              TEXT    NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    -- '' stands for "no string key or extension", so that the natural key below can be declared unique
    -- (SQLite treats NULLs in a unique index as distinct).
    GrainIdExtensionString TEXT    NOT NULL DEFAULT '',
    -- NULL after ClearStateAsync: the row and its version stay, so a later write still checks the version.
    PayloadBinary          BLOB    NULL,
    Version                INTEGER NOT NULL,
    ModifiedOn             TEXT    NOT NULL
) STRICT;

-- The hashes lead so that the index narrows to a row on two integers; the rest makes the natural key unique,
-- which resolves hash collisions and lets the first write of a grain use INSERT ... ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString);

-- Each query is a single auto-committed statement per case, so the write lock is taken at the start of the
-- statement and held only for that statement (no read-then-upgrade transactions that WAL would have to abort).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''');
'),
-- A grain that holds a version updates exactly that version; a grain that holds none inserts, and finds a
-- conflict when another activation inserted first. Only one of the two statements can return a row.
('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary,
    Version = Version + 1,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NOT NULL
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

INSERT INTO OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
     PayloadBinary, Version, ModifiedOn)
SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
       IFNULL(@GrainIdExtensionString, ''''), @PayloadBinary, 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING Version AS NewGrainStateVersion;
'),
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    Version = Version + 1,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
'),
-- Used only with AdoNetGrainStorageOptions.DeleteStateOnClear: removes the row. It answers with a version that
-- differs from the grain's, which the provider reads as success (and then forgets the version).
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
