package dev.minoro.internal.repository;

import dev.minoro.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wildcard rule of permissions. A permission is a list of segments separated by {@code :}, such as
 * {@code posts:comments:delete}. A granted permission whose last segment is {@code *} grants every permission
 * that starts with the segments before it and has at least one more: {@code posts:*} grants {@code posts:write}
 * and {@code posts:comments:delete}, not {@code posts} nor {@code postscript:read}; {@code *} alone grants
 * every permission. A {@code *} anywhere else is refused at grant, so that no granted string means two things.
 * A check for a permission is thus a lookup of a few exact strings (the permission and the wildcards above it),
 * which the primary key of {@code minoro_role_permissions} answers.
 */
final class Permissions {

    static final String WILDCARD = "*";
    private static final char SEPARATOR = ':';

    private Permissions() {
    }

    /** Checks a permission to grant: a {@code *} only as its whole last segment. */
    static String grantable(String permission) {
        int star = permission.indexOf('*');
        boolean wholeLastSegment = star == permission.length() - 1
                && (star == 0 || permission.charAt(star - 1) == SEPARATOR);
        if (star >= 0 && !wholeLastSegment) {
            throw new InvalidInputException("permission may contain '*' only as its whole last segment, as in"
                    + " 'posts:*' or '*', was '" + permission + "'");
        }
        return permission;
    }

    /**
     * What a role may hold to grant {@code permission}: the permission itself, then the wildcard of each of its
     * prefixes, longest first: for {@code a:b:c}, {@code a:b:c}, {@code a:b:*}, {@code a:*} and {@code *}.
     */
    static List<String> grantedBy(String permission) {
        List<String> granting = new ArrayList<>();
        granting.add(permission);
        for (int end = permission.lastIndexOf(SEPARATOR); end >= 0; end = permission.lastIndexOf(SEPARATOR, end - 1)) {
            String wildcard = permission.substring(0, end + 1) + WILDCARD;
            if (!wildcard.equals(permission)) {
                granting.add(wildcard);
            }
            if (end == 0) {
                break;
            }
        }
        if (!permission.equals(WILDCARD)) {
            granting.add(WILDCARD);
        }
        return granting;
    }
}
