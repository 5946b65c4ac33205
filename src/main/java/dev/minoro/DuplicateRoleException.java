package dev.minoro;

import org.jspecify.annotations.Nullable;

/** A role with the same name, compared case-insensitively after NFKC normalisation, already exists. */
public final class DuplicateRoleException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** The name that was asked for. */
    private final String roleName;

    /**
     * An exception naming the role.
     *
     * @param roleName the name that was asked for
     * @param cause the database's unique-constraint violation, or null
     */
    public DuplicateRoleException(String roleName, @Nullable Throwable cause) {
        super("role '" + roleName + "' already exists (role names are compared case-insensitively)", cause);
        this.roleName = roleName;
    }

    /** {@return the name that was asked for} */
    public String roleName() {
        return roleName;
    }
}
