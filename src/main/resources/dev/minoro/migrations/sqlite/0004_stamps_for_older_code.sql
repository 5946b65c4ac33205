-- Minoro schema version 4 for SQLite: the security stamp follows what code at schema version 1 changes.
-- Additive only (compatible_from 1).
--
-- Code at schema version 2 and later renews a user's stamp itself when it sets the password, changes the email
-- or disables the user; code at version 1 (still running during a rolling deploy) knows of no stamp, so its
-- changes would leave the user's sessions valid and, for a password, password_changed_at behind. This trigger
-- renews the stamp for any such change that left it as it was, whatever made it (old code, or an operator's
-- UPDATE), and counts a password set that way from its update. A login's rehash of the same password leaves
-- version as it was (every other change of the password counts one more), so it renews nothing.

CREATE TRIGGER minoro_users_security_stamp_on_update
    AFTER UPDATE OF password_hash, email_norm, disabled ON minoro_users
    FOR EACH ROW WHEN NEW.security_stamp IS OLD.security_stamp
        AND ((NEW.password_hash IS NOT OLD.password_hash AND NEW.version IS NOT OLD.version)
            OR NEW.email_norm IS NOT OLD.email_norm
            OR (NEW.disabled AND NOT OLD.disabled))
BEGIN
    UPDATE minoro_users SET security_stamp = lower(hex(randomblob(16))),
        password_changed_at = CASE
            WHEN NEW.password_hash IS OLD.password_hash OR NEW.version IS OLD.version THEN password_changed_at
            WHEN NEW.password_hash IS NULL THEN NULL
            ELSE NEW.updated_at END
    WHERE id = NEW.id;
END;
