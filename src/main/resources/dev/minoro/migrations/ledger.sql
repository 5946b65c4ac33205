CREATE TABLE IF NOT EXISTS minoro_migrations (
    version         INTEGER NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    checksum        TEXT    NOT NULL,
    compatible_from INTEGER NOT NULL,
    applied_at      BIGINT  NOT NULL,
    execution_ms    BIGINT  NOT NULL,
    applied_by      TEXT    NOT NULL
)
