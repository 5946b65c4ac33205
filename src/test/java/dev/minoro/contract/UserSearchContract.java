package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.InvalidInputException;
import dev.minoro.NewUser;
import dev.minoro.Page;
import dev.minoro.User;
import dev.minoro.UserQuery;
import dev.minoro.UserRepository;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The contract of {@link UserRepository#search} and {@link UserRepository#count(UserQuery)}, for every database. */
public interface UserSearchContract extends MinoroFixture {

    private UserRepository users() {
        return minoro().users();
    }

    private User named(String email, @Nullable String displayName) {
        return users().create(NewUser.of(email, TestConfigs.PASSWORD).withDisplayName(displayName)).block(TIMEOUT);
    }

    /** Every user the query keeps, page after page, checking each page's size. */
    private List<User> allPages(UserQuery query) {
        List<User> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<User> page = users().search(query.after(cursor)).block(TIMEOUT);
            assertTrue(page.items().size() <= query.pageSize(), "page size " + page.items().size());
            if (page.hasNext()) {
                assertEquals(query.pageSize(), page.items().size(), "only the last page may be short");
            }
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** {@code users} in the order a search lists them: creation time, then id (as both databases order uuids). */
    private static List<User> inListingOrder(List<User> users) {
        return users.stream().sorted(java.util.Comparator.comparing(User::createdAt)
                .thenComparing(u -> u.id().toString())).toList();
    }

    private static List<String> emails(List<User> users) {
        return users.stream().map(User::email).toList();
    }

    @Test
    default void pagesFollowCreationOrderAndEndWithoutACursor() {
        List<User> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(user("user" + i + "@example.com"));
            // Two users per millisecond: the id breaks the tie.
            if (i % 2 == 1) {
                clock().advance(Duration.ofMillis(1));
            }
        }
        created = inListingOrder(created);
        UserQuery query = UserQuery.all().withPageSize(3);
        Page<User> first = users().search(query).block(TIMEOUT);
        assertEquals(created.subList(0, 3), first.items());
        assertTrue(first.hasNext());
        Page<User> second = users().search(query.after(first.nextCursor())).block(TIMEOUT);
        assertEquals(created.subList(3, 6), second.items());
        Page<User> third = users().search(query.after(second.nextCursor())).block(TIMEOUT);
        assertEquals(created.subList(6, 7), third.items());
        assertFalse(third.hasNext());
        assertNull(third.nextCursor());
        assertEquals(created, allPages(UserQuery.all().withPageSize(1)));

        // An exact multiple of the page size ends without an empty page.
        Page<User> exact = users().search(UserQuery.all().withPageSize(7)).block(TIMEOUT);
        assertEquals(created, exact.items());
        assertFalse(exact.hasNext());
        users().count(UserQuery.all().withPageSize(2)).as(StepVerifier::create).expectNext(7L).verifyComplete();
    }

    @Test
    default void aCursorIsAPositionThatInsertsAndDeletesDoNotShift() {
        List<User> created = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            created.add(user("user" + i + "@example.com"));
            clock().advance(Duration.ofMillis(1));
        }
        UserQuery query = UserQuery.all().withPageSize(2);
        Page<User> first = users().search(query).block(TIMEOUT);
        assertEquals(created.subList(0, 2), first.items());
        // Between two pages: the first page's users and the next page's first user go; newer users arrive.
        users().delete(created.get(0).id()).block(TIMEOUT);
        users().delete(created.get(1).id()).block(TIMEOUT);
        users().delete(created.get(2).id()).block(TIMEOUT);
        User newer = user("newer@example.com");
        List<User> rest = allPages(query.after(first.nextCursor()));
        assertEquals(List.of(created.get(3), created.get(4), created.get(5), newer), rest,
                "no user repeated, none that stayed skipped");
    }

    /** Concurrent creations and deletions while a reader pages through: every user present throughout is seen once. */
    @Test
    default void pagingWhileOthersCreateAndDeleteSeesEveryStableUserOnce() {
        List<User> stable = Flux.range(0, 40)
                .concatMap(i -> users().create(NewUser.of("stable" + i + "@example.com", null)))
                .collectList().block(TIMEOUT);
        List<User> doomed = Flux.range(0, 20)
                .concatMap(i -> users().create(NewUser.of("doomed" + i + "@example.com", null)))
                .collectList().block(TIMEOUT);
        Flux<Object> churn = Flux.merge(
                Flux.fromIterable(doomed).flatMap(u -> users().delete(u.id()), 4),
                Flux.range(0, 20).flatMap(i -> users().create(NewUser.of("late" + i + "@example.com", null)), 4));
        List<User> seen = new ArrayList<>();
        StepVerifier churning = churn.then().as(StepVerifier::create).expectComplete().verifyLater();
        String cursor = null;
        do {
            Page<User> page = users().search(UserQuery.all().withPageSize(7).after(cursor)).block(TIMEOUT);
            seen.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        churning.verify(TIMEOUT);
        Set<UUID> ids = new LinkedHashSet<>();
        for (User user : seen) {
            assertTrue(ids.add(user.id()), "seen twice: " + user.email());
        }
        for (User user : stable) {
            assertTrue(ids.contains(user.id()), "skipped: " + user.email());
        }
    }

    @Test
    default void textMatchesEmailOrDisplayNameIgnoringCaseAndUnicodeForm() {
        User ada = named("ada.lovelace@example.com", "Ada Lovelace");
        User grace = named("grace@navy.example", "Grace HOPPER");
        User emile = named("emile@example.com", "\u00c9mile Zola");
        named("bob@example.com", null);
        assertEquals(List.of(ada), users().search(UserQuery.all().withText("LOVELACE")).block(TIMEOUT).items());
        assertEquals(List.of(grace), users().search(UserQuery.all().withText("hopp")).block(TIMEOUT).items());
        assertEquals(List.of(grace), users().search(UserQuery.all().withText("NAVY.")).block(TIMEOUT).items());
        // Full-width letters fold onto ASCII (NFKC), and non-ASCII letters fold case.
        assertEquals(List.of(ada), users().search(UserQuery.all().withText("\uFF2C\uFF4F\uFF56\uFF45")).block(TIMEOUT)
                .items());
        assertEquals(List.of(emile), users().search(UserQuery.all().withText("\u00e9MILE")).block(TIMEOUT).items());
        assertEquals(4, users().search(UserQuery.all().withText("@")).block(TIMEOUT).items().size());
        users().count(UserQuery.all().withText("example.com")).as(StepVerifier::create).expectNext(3L)
                .verifyComplete();
    }

    /** {@code %}, {@code _} and {@code \} in the search text are ordinary characters, not LIKE's wildcards. */
    @Test
    default void percentUnderscoreAndBackslashMatchLiterally() {
        User percent = named("percent@example.com", "100% sure");
        User underscore = named("under_score@example.com", null);
        User backslash = named("backslash@example.com", "C:\\Users");
        named("plain@example.com", "100 percent unsure");
        named("underXscore@example.com", "under score");
        named("other@example.com", "C:/Users");
        assertEquals(List.of(percent), users().search(UserQuery.all().withText("%")).block(TIMEOUT).items());
        assertEquals(List.of(percent), users().search(UserQuery.all().withText("0% s")).block(TIMEOUT).items());
        assertEquals(List.of(underscore), users().search(UserQuery.all().withText("_")).block(TIMEOUT).items());
        assertEquals(List.of(underscore), users().search(UserQuery.all().withText("r_s")).block(TIMEOUT).items());
        assertEquals(List.of(backslash), users().search(UserQuery.all().withText("\\")).block(TIMEOUT).items());
        assertEquals(List.of(backslash), users().search(UserQuery.all().withText(":\\u")).block(TIMEOUT).items());
        assertEquals(List.of(), users().search(UserQuery.all().withText("%%")).block(TIMEOUT).items());
        assertEquals(List.of(underscore), users().search(UserQuery.all().withEmailPrefix("under_")).block(TIMEOUT)
                .items());
        assertEquals(List.of(), users().search(UserQuery.all().withEmailPrefix("%")).block(TIMEOUT).items());
        users().count(UserQuery.all().withText("_")).as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    @Test
    default void emailPrefixIsCaseInsensitiveAndExact() {
        User ann = user("Ann@example.com");
        User anna = user("anna@example.com");
        user("bann@example.com");
        user("anz@example.com");
        assertEquals(inListingOrder(List.of(ann, anna)), users().search(UserQuery.all().withEmailPrefix("ANN"))
                .block(TIMEOUT).items());
        assertEquals(List.of(anna), users().search(UserQuery.all().withEmailPrefix("anna@")).block(TIMEOUT).items());
        assertEquals(List.of(ann), users().search(UserQuery.all().withEmailPrefix("ann@example.com")).block(TIMEOUT)
                .items());
        assertEquals(List.of(), users().search(UserQuery.all().withEmailPrefix("ann@example.comx")).block(TIMEOUT)
                .items());
        users().count(UserQuery.all().withEmailPrefix("an")).as(StepVerifier::create).expectNext(3L).verifyComplete();
        // The prefix ends in the last code point below the surrogates and in a supplementary one.
        User high = user("a\uD7FB@example.com");
        User emoji = user("b\uD83D\uDE00x@example.com");
        assertEquals(List.of(high), users().search(UserQuery.all().withEmailPrefix("a\uD7FB")).block(TIMEOUT).items());
        assertEquals(List.of(emoji), users().search(UserQuery.all().withEmailPrefix("b\uD83D\uDE00")).block(TIMEOUT)
                .items());
    }

    @Test
    default void filtersByRoleDisabledAndLockedCombine() {
        User admin = user("admin@example.com");
        clock().advance(Duration.ofMillis(1));
        User disabledAdmin = user("disabled.admin@example.com");
        clock().advance(Duration.ofMillis(1));
        User locked = user("locked@example.com");
        clock().advance(Duration.ofMillis(1));
        User plain = user("plain@example.com");
        minoro().roles().create("admin", null).block(TIMEOUT);
        minoro().roles().assign(admin.id(), "admin").block(TIMEOUT);
        minoro().roles().assign(disabledAdmin.id(), "admin").block(TIMEOUT);
        users().setDisabled(disabledAdmin.id(), true).block(TIMEOUT);
        // Lock one account: TestConfigs.fast locks after its threshold of wrong passwords.
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            minoro().authenticate("locked@example.com", "wrong password").onErrorComplete().block(TIMEOUT);
        }
        assertEquals(List.of(admin, disabledAdmin).stream().map(User::id).toList(),
                ids(UserQuery.all().withRole("ADMIN")));
        assertEquals(List.of(admin.id()), ids(UserQuery.all().withRole("admin").withDisabled(false)));
        assertEquals(List.of(disabledAdmin.id()), ids(UserQuery.all().withDisabled(true)));
        assertEquals(List.of(locked.id()), ids(UserQuery.all().withLocked(true)));
        assertEquals(List.of(admin.id(), disabledAdmin.id(), plain.id()), ids(UserQuery.all().withLocked(false)));
        assertEquals(List.of(), ids(UserQuery.all().withRole("nobody")));
        users().count(UserQuery.all().withRole("admin")).as(StepVerifier::create).expectNext(2L).verifyComplete();
        users().count(UserQuery.all().withLocked(true)).as(StepVerifier::create).expectNext(1L).verifyComplete();
        // A lock that has run out is no lock.
        clock().advance(TestConfigs.LOCKOUT);
        assertEquals(List.of(), ids(UserQuery.all().withLocked(true)));
    }

    private List<UUID> ids(UserQuery query) {
        return allPages(query).stream().map(User::id).toList();
    }

    @Test
    default void membersOfARolePageTheSameWay() {
        minoro().roles().create("staff", null).block(TIMEOUT);
        List<User> members = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            User member = user("member" + i + "@example.com");
            user("outsider" + i + "@example.com");
            minoro().roles().assign(member.id(), "staff").block(TIMEOUT);
            members.add(member);
            clock().advance(Duration.ofMillis(1));
        }
        Page<User> first = minoro().roles().membersOf("STAFF", null, 2).block(TIMEOUT);
        assertEquals(emails(members.subList(0, 2)), emails(first.items()));
        Page<User> second = minoro().roles().membersOf("staff", first.nextCursor(), 2).block(TIMEOUT);
        assertEquals(members.subList(2, 4).stream().map(User::id).toList(),
                second.items().stream().map(User::id).toList());
        Page<User> last = minoro().roles().membersOf("staff", second.nextCursor(), 2).block(TIMEOUT);
        assertEquals(List.of(members.get(4).id()), last.items().stream().map(User::id).toList());
        assertFalse(last.hasNext());
        minoro().roles().membersOf("nobody", null, 10).as(StepVerifier::create)
                .assertNext(page -> assertEquals(List.of(), page.items())).verifyComplete();
    }

    @Test
    default void badQueriesAreRefusedWithAClearMessage() {
        InvalidInputException tooBig = assertThrows(InvalidInputException.class,
                () -> UserQuery.all().withPageSize(1001));
        assertEquals("pageSize must be between 1 and 1000, was 1001", tooBig.getMessage());
        assertThrows(InvalidInputException.class, () -> UserQuery.all().withPageSize(0));
        for (String cursor : List.of("", "garbage", "u1.", "u1.AAAA", "u1.!!!!")) {
            users().search(UserQuery.all().after(cursor)).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e);
                        assertEquals("cursor is not one that a search returned: pass a Page.nextCursor() unchanged,"
                                + " or null for the first page", e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        for (UserQuery query : List.of(UserQuery.all().withText(""), UserQuery.all().withEmailPrefix(""),
                UserQuery.all().withText("a\u0000b"), UserQuery.all().withText("x".repeat(255)),
                UserQuery.all().withText("\uD800"), UserQuery.all().withRole(" admin"))) {
            users().search(query).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
            users().count(query).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
        }
        users().search(null).as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
        minoro().roles().membersOf("staff", null, 0).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
    }

    @Test
    default void aFullPageOfTheLargestSizeComesBackWhole() {
        // One at a time: a libSQL server answers concurrent writers with "database is locked" (SQLITE_BUSY).
        Flux.range(0, 1001).concatMap(i -> users().create(NewUser.of("bulk" + i + "@example.com", null)))
                .then().block(Duration.ofMinutes(2));
        Page<User> page = users().search(UserQuery.all().withPageSize(UserQuery.MAX_PAGE_SIZE)).block(TIMEOUT);
        assertEquals(1000, page.items().size());
        assertTrue(page.hasNext());
        Set<String> expected = IntStream.range(0, 1001).mapToObj(i -> "bulk" + i + "@example.com")
                .collect(Collectors.toSet());
        List<String> all = emails(allPages(UserQuery.all().withPageSize(UserQuery.MAX_PAGE_SIZE)));
        assertEquals(expected, Set.copyOf(all));
        assertEquals(1001, all.size());
    }
}
