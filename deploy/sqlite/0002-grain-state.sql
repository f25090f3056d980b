-- Civic Contracting, SQLite schema version 2: the grain-state table of the silo's own SQLite grain storage
-- (src/Silo/Storage/SqliteGrainStorage.cs), which replaces Orleans' ADO.NET provider in the SQLite profile.
--
-- One row per grain state: the grain's type and key (GrainId.Type, GrainId.Key) and the state's name
-- ([PersistentState("name", "civic")]). etag is the row's version: 1 at the first write, +1 at every write or
-- clear; a write or clear applies only when the caller holds the current version (optimistic concurrency).
-- payload is the state serialised with Orleans' serializer (OrleansGrainStorageSerializer, as before), NULL after
-- ClearStateAsync: the row and its version stay, so a later write still checks the version and the grain is never
-- read again from the legacy table below.
--
-- OrleansStorage (script 0001) stays: a database written by an earlier version keeps its rows there, and a grain
-- whose row is not in this table yet is read from it once and copied here (the silo decides at start whether
-- OrleansStorage holds any rows at all; a new database never looks there).

CREATE TABLE IF NOT EXISTS civic_grain_state
(
    grain_type TEXT    NOT NULL,
    grain_key  TEXT    NOT NULL,
    state_name TEXT    NOT NULL,
    etag       INTEGER NOT NULL,
    payload    BLOB    NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
) STRICT, WITHOUT ROWID;
