-- Minoro schema version 4 for PostgreSQL: the security stamp follows what code at schema version 1 changes.
-- Additive only (compatible_from 1).
--
-- Code at schema version 2 and later renews a user's stamp itself when it sets the password, changes the email
-- or disables the user; code at version 1 (still running during a rolling deploy) knows of no stamp, so its
-- changes would leave the user's sessions valid and, for a password, password_changed_at behind. This trigger
-- renews the stamp for any such change that left it as it was, whatever made it (old code, or an operator's
-- UPDATE), and counts a password set that way from its update. A login's rehash of the same password leaves
-- version as it was (every other change of the password counts one more), so it renews nothing. The function
-- changes the row being written (BEFORE UPDATE): no second update, no other row locked.

CREATE FUNCTION minoro_users_renew_stamp_for_older_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.security_stamp := md5(gen_random_uuid()::text || clock_timestamp()::text);
    IF NEW.password_hash IS DISTINCT FROM OLD.password_hash AND NEW.version IS DISTINCT FROM OLD.version THEN
        NEW.password_changed_at := CASE WHEN NEW.password_hash IS NULL THEN NULL ELSE NEW.updated_at END;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER minoro_users_security_stamp_on_update
    BEFORE UPDATE OF password_hash, email_norm, disabled ON minoro_users
    FOR EACH ROW WHEN (NEW.security_stamp = OLD.security_stamp
        AND ((NEW.password_hash IS DISTINCT FROM OLD.password_hash AND NEW.version IS DISTINCT FROM OLD.version)
            OR NEW.email_norm IS DISTINCT FROM OLD.email_norm
            OR (NEW.disabled AND NOT OLD.disabled)))
    EXECUTE FUNCTION minoro_users_renew_stamp_for_older_code();
