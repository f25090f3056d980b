-- Civic Contracting, PostgreSQL schema version 5: uploaded evidence of progress reports (photos and documents;
-- src/Web/Evidence/PostgreSqlEvidenceStore.cs). Applied like every script here (src/Silo/Storage/PostgreSqlSchema.cs).
--
-- Content-addressed: a file's row is keyed by the SHA-256 of its bytes (lowercase hex), written once by
-- INSERT ... ON CONFLICT (sha256) DO NOTHING and never updated, so what /api/evidence/{sha256} serves never changes
-- and every web host of the cluster serves every file. content_type is the type detected from the file's first bytes
-- (image/jpeg, image/png, image/webp, application/pdf), never the client's claim. Files are small (Evidence:MaxBytes,
-- 5 MB by default); bytea keeps them in this database's backups and replication with everything else.
--
-- STORAGE EXTERNAL: JPEG, PNG, WebP and PDF are compressed already, so PostgreSQL stores them out of line (TOAST)
-- without trying to compress them again.

CREATE TABLE IF NOT EXISTS civic_evidence
(
    sha256       text        NOT NULL PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type text        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    bytes        bigint      NOT NULL CHECK (bytes > 0),
    content      bytea       NOT NULL CHECK (octet_length(content) = bytes),
    stored_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE civic_evidence ALTER COLUMN content SET STORAGE EXTERNAL;
