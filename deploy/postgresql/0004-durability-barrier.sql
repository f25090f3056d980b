-- Civic Contracting, PostgreSQL schema version 4: the durability barrier of group commit (Storage:GroupCommit,
-- src/Silo/Storage/DurabilityBarrier.cs). Applied like every script here (src/Silo/Storage/PostgreSqlSchema.cs).
--
-- With group commit, grain writes commit with synchronous_commit=off (they do not wait for the WAL flush) and the
-- silo then acknowledges them only after one shared "barrier" transaction has committed with synchronous_commit=on.
-- That transaction must write WAL of its own: PostgreSQL flushes at commit only when the transaction wrote WAL
-- (a transaction that merely took a transaction id commits without waiting), so the barrier updates one row of
-- this table. Its commit record lies after the commit records of every write that finished before it started
-- (WAL is one sequential log), so flushing up to it makes all of them durable.
--
-- One row per slot: each silo process picks one slot at random, so barriers of different silos rarely wait for
-- each other's row lock (and are still correct when they do). An ordinary, logged table: an UNLOGGED or temporary
-- table writes no WAL and would not flush anything.

CREATE TABLE IF NOT EXISTS civic_durability_barrier
(
    slot     smallint    NOT NULL PRIMARY KEY,
    barriers bigint      NOT NULL DEFAULT 0,
    last_at  timestamptz NULL
);

INSERT INTO civic_durability_barrier (slot)
SELECT s FROM generate_series(0, 63) AS s
ON CONFLICT (slot) DO NOTHING;
