-- Minoro schema version 2 for PostgreSQL: accounts in depth. Additive only (compatible_from 1): code at
-- schema version 1 keeps running against it, so every new column has a default or may be null.
--
-- security_stamp: 32 hex digits of randomness, replaced by Minoro on a password change, an email change, a
--   disable and any change of the user's roles. The volatile default gives every existing user its own value
--   (PostgreSQL evaluates it per row, rewriting the table once) and every user inserted by code at schema
--   version 1 (during a rolling deploy) one too.
-- password_changed_at: when the password was last set, for the optional maximum password age. Existing users
--   count from their last update, the latest moment their password can have been set, so that an upgrade
--   never expires a password early.
-- display_name_norm: the NFKC, lower-cased display name (made in Java, as email_norm is) that the user search
--   compares; filled here with lower(display_name).

ALTER TABLE minoro_users
    ADD COLUMN security_stamp text NOT NULL DEFAULT md5(gen_random_uuid()::text || clock_timestamp()::text),
    ADD COLUMN password_changed_at timestamptz,
    ADD COLUMN display_name_norm text COLLATE "C";

UPDATE minoro_users SET password_changed_at = CASE WHEN password_hash IS NULL THEN NULL ELSE updated_at END,
    display_name_norm = lower(display_name);

-- A user inserted by code at schema version 1 (during a rolling deploy) gets the columns that code does not know
-- of; code at version 2 always sets them, and the WHEN clause keeps the function from running for its inserts.
CREATE FUNCTION minoro_users_fill_schema_two() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.password_changed_at IS NULL AND NEW.password_hash IS NOT NULL THEN
        NEW.password_changed_at := NEW.created_at;
    END IF;
    IF NEW.display_name_norm IS NULL THEN
        NEW.display_name_norm := lower(NEW.display_name);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER minoro_users_fill_schema_two BEFORE INSERT ON minoro_users FOR EACH ROW
    WHEN ((NEW.password_changed_at IS NULL AND NEW.password_hash IS NOT NULL)
        OR (NEW.display_name_norm IS NULL AND NEW.display_name IS NOT NULL))
    EXECUTE FUNCTION minoro_users_fill_schema_two();

-- Any change of a user's roles renews its stamp, whatever makes it: an assignment, a revocation, a role
-- deleted with its memberships, or code at schema version 1. The function keeps the search_path it was made
-- with, so that it finds minoro_users in Minoro's schema whatever the session that fires it has.
CREATE FUNCTION minoro_renew_security_stamp() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE minoro_users SET security_stamp = md5(gen_random_uuid()::text || clock_timestamp()::text)
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
    RETURN NULL;
END
$$;

CREATE TRIGGER minoro_user_roles_security_stamp AFTER INSERT OR DELETE ON minoro_user_roles
    FOR EACH ROW EXECUTE FUNCTION minoro_renew_security_stamp();

-- Keyset paging of users: ordered by creation time, then id.
CREATE INDEX minoro_users_created_at_id_idx ON minoro_users (created_at, id);
