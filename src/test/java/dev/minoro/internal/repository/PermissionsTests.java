package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PermissionsTests {

    @Test
    void aPermissionIsGrantedByItselfAndTheWildcardsAboveIt() {
        assertEquals(List.of("a:b:c", "a:b:*", "a:*", "*"), Permissions.grantedBy("a:b:c"));
        assertEquals(List.of("posts:*", "*"), Permissions.grantedBy("posts:*"));
        assertEquals(List.of("posts", "*"), Permissions.grantedBy("posts"));
        assertEquals(List.of("*"), Permissions.grantedBy("*"));
        assertEquals(List.of(":x", ":*", "*"), Permissions.grantedBy(":x"));
    }

    @Test
    void onlyAWholeLastSegmentMayBeAWildcard() {
        for (String ok : List.of("*", "posts:*", "a:b:*", "posts:write")) {
            assertEquals(ok, Permissions.grantable(ok));
        }
        for (String bad : List.of("posts*", "*:read", "posts:*:read", "po*", "a:b*", "**", "posts:**")) {
            assertThrows(InvalidInputException.class, () -> Permissions.grantable(bad), bad);
        }
    }
}
