-- Minoro schema version 1 for PostgreSQL: uuid ids, timestamptz times, boolean flags.
-- Emails and role names are compared through their NFKC, lower-cased *_norm columns (made in Java);
-- they and permissions use the "C" collation, so that ordering is by code point, as on SQLite.

CREATE TABLE minoro_users (
    id              uuid        NOT NULL PRIMARY KEY,
    email           text        NOT NULL,
    email_norm      text        COLLATE "C" NOT NULL,
    display_name    text,
    password_hash   text,
    disabled        boolean     NOT NULL DEFAULT false,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    last_login_at   timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL DEFAULT 0,
    CONSTRAINT minoro_users_email_norm_key UNIQUE (email_norm)
);

CREATE TABLE minoro_roles (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    name_norm   text        COLLATE "C" NOT NULL,
    description text,
    created_at  timestamptz NOT NULL,
    CONSTRAINT minoro_roles_name_norm_key UNIQUE (name_norm)
);

CREATE TABLE minoro_user_roles (
    user_id     uuid        NOT NULL REFERENCES minoro_users (id) ON DELETE CASCADE,
    role_id     uuid        NOT NULL REFERENCES minoro_roles (id) ON DELETE CASCADE,
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

CREATE INDEX minoro_user_roles_role_id_idx ON minoro_user_roles (role_id);

CREATE TABLE minoro_role_permissions (
    role_id    uuid        NOT NULL REFERENCES minoro_roles (id) ON DELETE CASCADE,
    permission text        COLLATE "C" NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (role_id, permission)
);
