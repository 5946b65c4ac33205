-- Minoro schema version 1 for SQLite: ids are UUID text, times are epoch milliseconds, booleans 0/1.
-- Emails and role names are compared through their NFKC, lower-cased *_norm columns (made in Java).

CREATE TABLE minoro_users (
    id              TEXT    NOT NULL PRIMARY KEY,
    email           TEXT    NOT NULL,
    email_norm      TEXT    NOT NULL,
    display_name    TEXT,
    password_hash   TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    last_login_at   INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT minoro_users_email_norm_key UNIQUE (email_norm)
);

CREATE TABLE minoro_roles (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_norm   TEXT    NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL,
    CONSTRAINT minoro_roles_name_norm_key UNIQUE (name_norm)
);

CREATE TABLE minoro_user_roles (
    user_id     TEXT    NOT NULL REFERENCES minoro_users (id) ON DELETE CASCADE,
    role_id     TEXT    NOT NULL REFERENCES minoro_roles (id) ON DELETE CASCADE,
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

CREATE INDEX minoro_user_roles_role_id_idx ON minoro_user_roles (role_id);

CREATE TABLE minoro_role_permissions (
    role_id    TEXT    NOT NULL REFERENCES minoro_roles (id) ON DELETE CASCADE,
    permission TEXT    NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (role_id, permission)
);
