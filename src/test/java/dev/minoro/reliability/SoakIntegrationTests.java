package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.Role;
import dev.minoro.User;
import dev.minoro.VersionConflictException;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Soak (issue 9, suite item 5): a bounded run of mixed reads, writes, logins and role changes by 8 workers on one
 * instance. Each worker keeps a model of what it had acknowledged: the users it created, whether each is disabled,
 * its password, its role memberships; all workers increment shared counters (a display name {@code n=…}) with
 * optimistic updates, retrying on {@link VersionConflictException}. The run must see no error at all, and a final
 * audit compares the database with the models: zero lost updates. The heap after a full GC may not grow by more
 * than {@value #HEAP_GROWTH_BOUND_MIB} MiB between the first and the last quarter of the run.
 *
 * <p>{@code -Dminoro.reliability.soakSeconds=N} sets the length of each run (default 20 s; the reliability profile
 * runs 150 s).
 */
final class SoakIntegrationTests {

    private static final long SECONDS = Long.getLong("minoro.reliability.soakSeconds", 20);
    private static final int WORKERS = 8;
    private static final int COUNTERS = 4;
    private static final int ROLES = 4;
    private static final long HEAP_GROWTH_BOUND_MIB = 24;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"SQLite file", "PostgreSQL"})
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the length is set by a property; each call is bounded by TIMEOUT
    void mixedWorkloadLosesNothingAndKeepsTheHeapFlat(String target) throws Exception {
        if (target.equals("PostgreSQL")) {
            try (PostgresDatabase database = PostgresServer.shared().createDatabase()) {
                soak(target, database.config());
            }
        } else {
            soak(target, TestConfigs.sqliteFile(directory, "soak.db"));
        }
    }

    /** What one worker had acknowledged about one of its users. */
    private static final class Account {
        final UUID id;
        final String email;
        String password;
        boolean disabled;
        final Set<String> roles = new HashSet<>();

        Account(UUID id, String email, String password) {
            this.id = id;
            this.email = email;
            this.password = password;
        }
    }

    private void soak(String target, DatabaseConfig database) throws Exception {
        MinoroConfig config = TestConfigs.fast(database, Clock.systemUTC());
        Minoro minoro = Minoro.create(config).block(TIMEOUT);
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<User> counters = new ArrayList<>();
            for (int i = 0; i < COUNTERS; i++) {
                counters.add(minoro.users().create(NewUser.of("counter-" + i + "@example.com", null)
                        .withDisplayName("n=0")).block(TIMEOUT));
            }
            List<String> roles = new ArrayList<>();
            Map<String, Set<String>> permissions = new ConcurrentHashMap<>();
            for (int i = 0; i < ROLES; i++) {
                roles.add(minoro.roles().create("soak-role-" + i, "soak").block(TIMEOUT).name());
                permissions.put(roles.get(i), ConcurrentHashMap.newKeySet());
            }
            AtomicLong[] increments = new AtomicLong[COUNTERS];
            for (int i = 0; i < COUNTERS; i++) {
                increments[i] = new AtomicLong();
            }
            Map<String, AtomicLong> operations = new ConcurrentHashMap<>();
            Queue<String> errors = new ConcurrentLinkedQueue<>();
            List<Long> heap = new ArrayList<>();
            heap.add(heapAfterGc());

            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
            List<Future<List<Account>>> results = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                results.add(workers.submit(() -> work(minoro, worker, end, counters, increments, roles, permissions,
                        operations, errors)));
            }
            // heap samples: after a quarter of the run, and at its end
            Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) / 4);
            heap.add(heapAfterGc());
            List<Account> accounts = new ArrayList<>();
            for (Future<List<Account>> result : results) {
                accounts.addAll(result.get(SECONDS + 300, TimeUnit.SECONDS));
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            heap.add(heapAfterGc());
            assertTrue(errors.isEmpty(), errors.size() + " errors, the first: "
                    + errors.stream().limit(10).collect(Collectors.toList()));

            // the audit: the database holds exactly what was acknowledged
            for (int i = 0; i < COUNTERS; i++) {
                assertEquals("n=" + increments[i].get(),
                        minoro.users().findById(counters.get(i).id()).block(TIMEOUT).displayName(),
                        "counter " + i + ": every acknowledged increment is there, no more");
            }
            assertEquals(Long.valueOf(COUNTERS + accounts.size()), minoro.users().count().block(TIMEOUT));
            for (Account account : accounts) {
                User stored = minoro.users().findByEmail(account.email).block(TIMEOUT);
                assertEquals(account.id, stored.id());
                assertEquals(account.disabled, stored.disabled(), account.email);
                Set<String> storedRoles = minoro.roles().rolesOf(account.id).map(Role::name).collect(
                        Collectors.toSet()).block(TIMEOUT);
                assertEquals(account.roles, storedRoles, account.email);
                if (!account.disabled) {
                    assertEquals(account.id, minoro.authenticate(account.email, account.password).block(TIMEOUT).id());
                }
            }
            for (String role : roles) {
                assertEquals(permissions.get(role), minoro.roles().permissionsOfRole(role).collect(Collectors.toSet())
                        .block(TIMEOUT), role);
            }
            long growth = (heap.get(2) - heap.get(1)) / (1024 * 1024);
            long total = operations.values().stream().mapToLong(AtomicLong::get).sum();
            assertTrue(growth <= HEAP_GROWTH_BOUND_MIB, "the heap after GC grew by " + growth + " MiB: " + heap);
            ReliabilityFigures.record("5 soak", target, SECONDS + " s, " + WORKERS + " workers: creates, reads,"
                    + " logins, password changes, disable/enable, role assign/revoke, permission grants, optimistic"
                    + " increments of " + COUNTERS + " shared counters",
                    total + " operations (" + (total * 1000 / Math.max(1, elapsed)) + "/s), 0 errors, 0 lost updates"
                            + " (audit of " + accounts.size() + " users, " + COUNTERS + " counters at "
                            + java.util.Arrays.stream(increments).map(AtomicLong::get).collect(Collectors.toList())
                            + ", " + ROLES + " roles); heap after GC at start / 1/4 / end: " + heap.stream()
                            .map(b -> b / (1024 * 1024) + " MiB").collect(Collectors.joining(" / ")));
        } finally {
            workers.shutdownNow();
            minoro.close().block(TIMEOUT);
        }
    }

    private static List<Account> work(Minoro minoro, int worker, long end, List<User> counters,
            AtomicLong[] increments, List<String> roles, Map<String, Set<String>> permissions,
            Map<String, AtomicLong> operations, Queue<String> errors) {
        Random random = new Random(worker);
        List<Account> accounts = new ArrayList<>();
        Map<String, Integer> created = new HashMap<>();
        while (System.nanoTime() < end && errors.isEmpty()) {
            int choice = random.nextInt(100);
            String operation = "?";
            try {
                if (accounts.isEmpty() || choice < 10) {
                    operation = "create";
                    int n = created.merge("users", 1, Integer::sum);
                    String email = "w" + worker + "-" + n + "@example.com";
                    String password = "password-" + worker + "-" + n;
                    User user = minoro.users().create(NewUser.of(email, password)).block(TIMEOUT);
                    accounts.add(new Account(user.id(), email, password));
                } else if (choice < 30) {
                    operation = "login";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    try {
                        User user = minoro.authenticate(account.email, account.password).block(TIMEOUT);
                        if (account.disabled || !user.id().equals(account.id)) {
                            errors.add("login of " + account.email + " succeeded, disabled=" + account.disabled);
                        }
                    } catch (AccountDisabledException e) {
                        if (!account.disabled) {
                            errors.add("login of enabled " + account.email + " refused as disabled");
                        }
                    }
                } else if (choice < 45) {
                    operation = "increment";
                    int counter = random.nextInt(COUNTERS);
                    UUID id = counters.get(counter).id();
                    while (true) {
                        User current = minoro.users().findById(id).block(TIMEOUT);
                        long n = Long.parseLong(current.displayName().substring(2));
                        try {
                            minoro.users().updateProfile(id, current.version(), current.email(), "n=" + (n + 1))
                                    .block(TIMEOUT);
                            increments[counter].incrementAndGet();
                            break;
                        } catch (VersionConflictException conflict) {
                            operations.computeIfAbsent("increment retried", k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                } else if (choice < 55) {
                    operation = "disable or enable";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    boolean disabled = !account.disabled;
                    minoro.users().setDisabled(account.id, disabled).block(TIMEOUT);
                    account.disabled = disabled;
                } else if (choice < 60) {
                    operation = "change password";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    String password = account.password + "+";
                    minoro.users().changePassword(account.id, password).block(TIMEOUT);
                    account.password = password;
                } else if (choice < 70) {
                    operation = "assign or revoke";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    String role = roles.get(random.nextInt(roles.size()));
                    if (account.roles.contains(role)) {
                        minoro.roles().revoke(account.id, role).block(TIMEOUT);
                        account.roles.remove(role);
                    } else {
                        minoro.roles().assign(account.id, role).block(TIMEOUT);
                        account.roles.add(role);
                    }
                } else if (choice < 73) {
                    operation = "grant permission";
                    String role = roles.get(random.nextInt(roles.size()));
                    String permission = "perm:" + random.nextInt(20);
                    minoro.roles().grantPermission(role, permission).block(TIMEOUT);
                    permissions.get(role).add(permission);
                } else if (choice < 85) {
                    operation = "check permission";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    String role = roles.get(random.nextInt(roles.size()));
                    Set<String> granted = Set.copyOf(permissions.get(role));
                    if (account.roles.contains(role) && !granted.isEmpty()) {
                        String permission = granted.iterator().next();
                        if (!minoro.roles().hasPermission(account.id, permission).block(TIMEOUT)) {
                            errors.add(account.email + " in " + role + " lacks " + permission);
                        }
                    } else {
                        minoro.roles().rolesOf(account.id).collectList().block(TIMEOUT);
                    }
                } else {
                    operation = "read";
                    Account account = accounts.get(random.nextInt(accounts.size()));
                    User user = minoro.users().findByEmail(account.email).block(TIMEOUT);
                    if (user == null || user.disabled() != account.disabled) {
                        errors.add("read " + account.email + ": " + user + ", expected disabled=" + account.disabled);
                    }
                    minoro.users().count().block(TIMEOUT);
                }
                operations.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
            } catch (RuntimeException e) {
                errors.add(operation + ": " + e);
            }
        }
        return accounts;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
