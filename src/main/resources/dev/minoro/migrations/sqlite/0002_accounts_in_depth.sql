-- Minoro schema version 2 for SQLite: accounts in depth. Additive only (compatible_from 1): code at
-- schema version 1 keeps running against it, so every new column has a default or may be null.
--
-- security_stamp: 32 hex digits of randomness (128 bits), replaced by Minoro on a password change, an email
--   change, a disable and any change of the user's roles. Existing users get one here; a user inserted by
--   code at schema version 1 (during a rolling deploy) gets one from the trigger below.
-- password_changed_at: when the password was last set, for the optional maximum password age. Existing users
--   count from their last update, the latest moment their password can have been set, so that an upgrade
--   never expires a password early.
-- display_name_norm: the NFKC, lower-cased display name (made in Java, as email_norm is) that the user search
--   compares. Filled here with lower(display_name), which on SQLite folds ASCII letters only: a name with other
--   letters written before the upgrade is found case-insensitively once its profile is next updated.

ALTER TABLE minoro_users ADD COLUMN security_stamp TEXT;
ALTER TABLE minoro_users ADD COLUMN password_changed_at INTEGER;
ALTER TABLE minoro_users ADD COLUMN display_name_norm TEXT;

UPDATE minoro_users SET security_stamp = lower(hex(randomblob(16))),
    password_changed_at = CASE WHEN password_hash IS NULL THEN NULL ELSE updated_at END,
    display_name_norm = lower(display_name);

CREATE TRIGGER minoro_users_security_stamp_on_insert AFTER INSERT ON minoro_users
    FOR EACH ROW WHEN NEW.security_stamp IS NULL
BEGIN
    UPDATE minoro_users SET security_stamp = lower(hex(randomblob(16))),
        password_changed_at = CASE WHEN NEW.password_hash IS NULL THEN NULL ELSE NEW.created_at END,
        display_name_norm = lower(NEW.display_name)
    WHERE id = NEW.id;
END;

-- Any change of a user's roles renews its stamp, whatever makes it: an assignment, a revocation, a role
-- deleted with its memberships, or code at schema version 1.
CREATE TRIGGER minoro_user_roles_security_stamp_on_insert AFTER INSERT ON minoro_user_roles
BEGIN
    UPDATE minoro_users SET security_stamp = lower(hex(randomblob(16))) WHERE id = NEW.user_id;
END;

CREATE TRIGGER minoro_user_roles_security_stamp_on_delete AFTER DELETE ON minoro_user_roles
BEGIN
    UPDATE minoro_users SET security_stamp = lower(hex(randomblob(16))) WHERE id = OLD.user_id;
END;

-- Keyset paging of users: ordered by creation time, then id.
CREATE INDEX minoro_users_created_at_id_idx ON minoro_users (created_at, id);
