-- Minoro schema version 3 for PostgreSQL: sessions kept next to the users. Additive only (compatible_from 1): code
-- at schema versions 1 and 2 never reads these tables and keeps running against a database at version 3.
--
-- minoro_sessions holds both Minoro's own login sessions (SessionRepository) and the sessions of the Spring
-- Session store; a session of the Spring store has no user until its principal logs in.
--   kind:                'minoro' for a session of SessionRepository, 'spring' for one of the Spring Session store;
--                        each finds only its own kind by token, so neither's token opens the other's sessions
--   id:                  a UUIDv7, the session's public id (shown on a "your devices" page; not a credential)
--   token_hash:          the SHA-256 of the opaque token (or Spring Session id), 64 lower-case hex digits; the token
--                        itself is never stored, so a copy of the database yields no usable session
--   user_id:             the user, or null for a Spring session nobody has logged in to yet; deleting the user
--                        deletes its sessions
--   security_stamp:      the user's security stamp when the session was bound to the user; a session whose stamp
--                        no longer matches the user's is not valid
--   principal_name:      the Spring Session principal name (for findByPrincipalName), or null
--   last_seen_at:        renewed at most once per renewal interval
--   idle_timeout_ms:     the idle (sliding) timeout in milliseconds, or null for none
--   absolute_expires_at: the moment after which the session ends however active, or null for none
--   expires_at:          the effective end, least(absolute_expires_at, last_seen_at + idle timeout), or null when
--                        the session never expires; purgeExpired deletes by it
--   metadata:            caller-supplied strings (user agent, IP address...) as a JSON object of strings, or null

CREATE TABLE minoro_sessions (
    id                  uuid        NOT NULL PRIMARY KEY,
    kind                text        NOT NULL CHECK (kind IN ('minoro', 'spring')),
    token_hash          text        COLLATE "C" NOT NULL,
    user_id             uuid        REFERENCES minoro_users (id) ON DELETE CASCADE,
    security_stamp      text,
    principal_name      text,
    created_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    idle_timeout_ms     bigint      CHECK (idle_timeout_ms > 0),
    absolute_expires_at timestamptz,
    expires_at          timestamptz,
    metadata            text,
    CONSTRAINT minoro_sessions_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX minoro_sessions_user_id_idx ON minoro_sessions (user_id);
CREATE INDEX minoro_sessions_principal_name_idx ON minoro_sessions (principal_name);
CREATE INDEX minoro_sessions_expires_at_idx ON minoro_sessions (expires_at);

-- Spring Session attributes, one row per attribute, values as serialized by the store's serializer.
CREATE TABLE minoro_session_attributes (
    session_id uuid  NOT NULL REFERENCES minoro_sessions (id) ON DELETE CASCADE,
    name       text  NOT NULL,
    value      bytea NOT NULL,
    PRIMARY KEY (session_id, name)
);
