package dev.minoro;

import org.jspecify.annotations.Nullable;

/** A role with the same name, compared case-insensitively after NFKC normalisation, already exists. */
public final class DuplicateRoleException extends MinoroException {

    private static final long serialVersionUID = 1L;

    private final String roleName;

    public DuplicateRoleException(String roleName, @Nullable Throwable cause) {
        super("role '" + roleName + "' already exists (role names are compared case-insensitively)", cause);
        this.roleName = roleName;
    }

    /** The name that was asked for. */
    public String roleName() {
        return roleName;
    }
}
