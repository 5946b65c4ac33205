package dev.minoro.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionConfiguration.BeginMode;
import dev.minoro.sqlite.SqliteConnectionConfiguration.JournalMode;
import dev.minoro.sqlite.SqliteConnectionConfiguration.Synchronous;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The configuration's defaults and checks, and the same through ConnectionFactoryOptions and URLs. */
final class SqliteConnectionConfigurationTests {

    private static void fails(String message, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertEquals(message, e.getMessage());
    }

    private static SqliteConnectionConfiguration fromUrl(String url) {
        return SqliteConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(url));
    }

    @Test
    void defaultsForAFile() {
        SqliteConnectionConfiguration c = SqliteConnectionConfiguration.builder().database("/tmp/x.db").build();
        assertEquals("/tmp/x.db", c.database());
        assertEquals(Duration.ofSeconds(10), c.busyTimeout());
        assertEquals(Duration.ofSeconds(10), SqliteConnectionConfiguration.DEFAULT_BUSY_TIMEOUT);
        assertEquals(Duration.ofSeconds(10), fromUrl("r2dbc:sqlite:///x.db").busyTimeout(), "a URL without the option");
        assertEquals(JournalMode.WAL, c.journalMode());
        assertEquals(Synchronous.NORMAL, c.synchronous());
        assertTrue(c.foreignKeys());
        assertEquals(SqliteConnectionConfiguration.defaultReaderLanes(), c.readerLanes());
        assertEquals(BeginMode.IMMEDIATE, c.beginMode());
        assertNull(c.scheduler());
    }

    @Test
    void defaultsForMemoryAndReadOnly() {
        SqliteConnectionConfiguration memory = SqliteConnectionConfiguration.builder().build();
        assertEquals(SqliteConnectionConfiguration.MEMORY, memory.database());
        assertTrue(memory.inMemory());
        assertEquals(0, memory.readerLanes());
        assertNull(memory.journalMode());
        SqliteConnectionConfiguration readOnly = SqliteConnectionConfiguration.builder().database("x.db").readOnly(true)
                .build();
        assertEquals(SqliteConnectionConfiguration.defaultReaderLanes(), readOnly.readerLanes());
        assertEquals(BeginMode.DEFERRED, readOnly.beginMode());
        assertNull(readOnly.journalMode());
        SqliteConnectionConfiguration delete = SqliteConnectionConfiguration.builder().database("x.db")
                .journalMode(JournalMode.DELETE).build();
        assertEquals(0, delete.readerLanes());
        assertEquals(Synchronous.FULL, delete.synchronous());
    }

    @Test
    void badValuesFailNamingTheOptionAndValue() {
        SqliteConnectionConfiguration.Builder b = SqliteConnectionConfiguration.builder();
        fails("busyTimeout must be between 0 and 2147483647 ms, was PT-1S", () -> b.busyTimeout(Duration.ofSeconds(-1)));
        fails("readerLanes must be between 0 and 64, was 65", () -> b.readerLanes(65));
        fails("database must be a file path or :memory:, was ' '", () -> b.database(" "));
        fails("database must be a file path or :memory:, not a URI; was 'file:/x.db' (drop the 'file:' prefix)",
                () -> b.database("file:/x.db"));
    }

    @Test
    void contradictionsFailInBuild() {
        fails("readOnly cannot be used with database :memory:: an in-memory database starts empty",
                () -> SqliteConnectionConfiguration.builder().readOnly(true).build());
        fails("readerLanes must be 0 for database :memory: (one database per factory, on a single lane), was 2",
                () -> SqliteConnectionConfiguration.builder().readerLanes(2).build());
        fails("readerLanes must be 0 when journalMode is DELETE (reader lanes need WAL to read beside the writer), was 1",
                () -> SqliteConnectionConfiguration.builder().database("x.db").journalMode(JournalMode.DELETE)
                        .readerLanes(1).build());
        fails("readerLanes must be at least 1 when readOnly is true (a read-only factory has only reader lanes), was 0",
                () -> SqliteConnectionConfiguration.builder().database("x.db").readOnly(true).readerLanes(0).build());
        fails("beginMode must be DEFERRED when readOnly is true (IMMEDIATE and EXCLUSIVE take a write lock), was"
                + " IMMEDIATE", () -> SqliteConnectionConfiguration.builder().database("x.db").readOnly(true)
                .beginMode(BeginMode.IMMEDIATE).build());
    }

    @Test
    void urlsNameFilesAndMemory() {
        assertEquals("/var/lib/app/auth.db", fromUrl("r2dbc:sqlite:///var/lib/app/auth.db").database());
        assertEquals("./data/auth.db", fromUrl("r2dbc:sqlite:///./data/auth.db").database());
        assertEquals(":memory:", fromUrl("r2dbc:sqlite:///:memory:").database());
        assertEquals(":memory:", fromUrl("r2dbc:sqlite:memory:///").database());
        assertEquals("/x.db", fromUrl("r2dbc:sqlite:file:///x.db").database());
    }

    @Test
    void urlOptionsGoThroughTheBuilder() {
        SqliteConnectionConfiguration c = fromUrl("r2dbc:sqlite:///x.db?readOnly=true&busyTimeout=PT10S"
                + "&foreignKeys=false&readerLanes=2&beginMode=deferred");
        assertTrue(c.readOnly());
        assertEquals(Duration.ofSeconds(10), c.busyTimeout());
        assertEquals(2, c.readerLanes());
        assertEquals(BeginMode.DEFERRED, c.beginMode());
        assertEquals(Duration.ofMillis(250), fromUrl("r2dbc:sqlite:///x.db?busyTimeout=250").busyTimeout());
        SqliteConnectionConfiguration journal = fromUrl("r2dbc:sqlite:///x.db?journalMode=truncate&synchronous=extra");
        assertEquals(JournalMode.TRUNCATE, journal.journalMode());
        assertEquals(Synchronous.EXTRA, journal.synchronous());
        assertEquals(Duration.ofSeconds(3), fromUrl("r2dbc:sqlite:///x.db?lockWaitTimeout=PT3S").busyTimeout());
    }

    @Test
    void badOptionsFailNamingTheOption() {
        fails("option readOnly must be true or false, was 'yes'", () -> fromUrl("r2dbc:sqlite:///x.db?readOnly=yes"));
        fails("option busyTimeout must be a duration in milliseconds or ISO-8601 (such as PT5S), was '5 seconds'",
                () -> fromUrl("r2dbc:sqlite:///x.db?busyTimeout=5%20seconds"));
        fails("option readerLanes must be a whole number, was 'many'",
                () -> fromUrl("r2dbc:sqlite:///x.db?readerLanes=many"));
        fails("option journalMode must be one of [DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF], was 'fast'",
                () -> fromUrl("r2dbc:sqlite:///x.db?journalMode=fast"));
        fails("readerLanes must be between 0 and 64, was -1", () -> fromUrl("r2dbc:sqlite:///x.db?readerLanes=-1"));
        fails("option host does not apply to SQLite, a local file: write the URL with three slashes,"
                + " r2dbc:sqlite:///abs/path.db, or set only database", () -> fromUrl("r2dbc:sqlite://localhost/x.db"));
        fails("option password does not apply to SQLite, a local file: remove it (database is the file's path)",
                () -> SqliteConnectionFactoryProvider.configuration(ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DATABASE, "x.db")
                        .option(ConnectionFactoryOptions.PASSWORD, "secret").build()));
        fails("option database must be a file path or :memory: (URL: r2dbc:sqlite:///abs/path.db or"
                + " r2dbc:sqlite:///:memory:), was missing", () -> SqliteConnectionFactoryProvider.configuration(
                ConnectionFactoryOptions.builder().option(ConnectionFactoryOptions.DRIVER, "sqlite").build()));
        fails("options busyTimeout (PT1S) and lockWaitTimeout (PT2S) disagree: set one",
                () -> fromUrl("r2dbc:sqlite:///x.db?busyTimeout=PT1S&lockWaitTimeout=PT2S"));
    }

    /**
     * The accepted options, as every message about an unknown one lists them: those a URL can give, so not
     * {@code scheduler}.
     */
    private static final String TAKES = "; it takes beginMode, busyTimeout, database, foreignKeys, journalMode,"
            + " lockWaitTimeout, readOnly, readerLanes, statementCacheSize, synchronous (option names are"
            + " case-sensitive), and lets the options of r2dbc-pool and r2dbc-proxy through";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "r2dbc:sqlite:///tmp/x.db?key=s3&cr3t=1",
        "r2dbc:sqlite:///tmp/x.db?sslPassword=s3&cr3t=1",
        "r2dbc:sqlite://app:s3@h?cr3t=1@x/tmp/x.db"
    })
    void anUnknownOptionThatMayBeAPieceOfASecretIsNotShown(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromUrl(url));
        assertTrue(e.getMessage().startsWith("unknown option"), e.getMessage());
        assertTrue(e.getMessage().contains("(not shown: the options hold a secret, or an '@' in a value"),
                e.getMessage());
        assertFalse(e.getMessage().contains("cr3t"), e.getMessage());
    }

    @Test
    void theSchedulerCannotBeGivenInAUrl() {
        fails("option scheduler cannot be given in a URL: it is a reactor.core.scheduler.Scheduler, which only Java"
                + " code can give (ConnectionFactoryOptions.builder().option(SqliteConnectionFactoryProvider.SCHEDULER,"
                + " …))", () -> fromUrl("r2dbc:sqlite:///x.db?scheduler=boundedElastic"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // a near miss of an option: the user report
        "statmentCacheSize=8      | 'statmentCacheSize' for the SQLite driver (did you mean 'statementCacheSize'?)",
        "busyTimout=5s            | 'busyTimout' for the SQLite driver (did you mean 'busyTimeout'?)",
        "readerLanse=2            | 'readerLanse' for the SQLite driver (did you mean 'readerLanes'?)",
        "journal_mode=wal         | 'journal_mode' for the SQLite driver (did you mean 'journalMode'?)",
        // another case: R2DBC option names are case-sensitive
        "busytimeout=PT5S         | 'busytimeout' for the SQLite driver (did you mean 'busyTimeout'?)",
        "ReadOnly=true            | 'ReadOnly' for the SQLite driver (did you mean 'readOnly'?)",
        // a pool option, misspelled: r2dbc-pool drops it, the driver sees it
        "maxsize=4                | 'maxsize' for the SQLite driver (did you mean 'maxSize'?)",
        // nothing like any option
        "cache=shared             | 'cache' for the SQLite driver",
        "mode=ro                  | 'mode' for the SQLite driver",
    })
    void unknownOptionsFailNamingTheOptionAndTheNearestKnownOne(String query, String message) {
        fails("unknown option " + message + TAKES, () -> fromUrl("r2dbc:sqlite:///x.db?" + query));
        fails("unknown option " + message + TAKES, () -> ConnectionFactories.get("r2dbc:sqlite:///x.db?" + query));
        fails("unknown option " + message + TAKES,
                () -> ConnectionFactories.get("r2dbc:pool:sqlite:///x.db?maxSize=2&" + query));
    }

    @Test
    void unknownTypedOptionsFailAlikeAndValuesAndOddNamesAreNeverShown() {
        fails("unknown option 'busyTimout' for the SQLite driver (did you mean 'busyTimeout'?)" + TAKES,
                () -> SqliteConnectionFactoryProvider.configuration(ConnectionFactoryOptions.builder()
                        .option(ConnectionFactoryOptions.DATABASE, "/tmp/x.db")
                        .option(Option.sensitiveValueOf("busyTimout"), "s3cr3t-value").build()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromUrl("r2dbc:sqlite:///x.db?s3cr3t%20pa55word=1"));
        assertEquals("unknown option (not shown: its name does not look like an option name) for the SQLite driver"
                + TAKES, e.getMessage());
    }

    @Test
    void everyUnknownOptionIsNamedInOneMessage() {
        fails("unknown options 'jurnalMode' for the SQLite driver (did you mean 'journalMode'?), 'readerLane'"
                + " (did you mean 'readerLanes'?)" + TAKES,
                () -> fromUrl("r2dbc:sqlite:///x.db?readerLane=2&jurnalMode=WAL"));
        fails("unknown options 'cache' for the SQLite driver, 'mode', 'statmentCacheSize' (did you mean"
                + " 'statementCacheSize'?)" + TAKES,
                () -> ConnectionFactories.get("r2dbc:sqlite:///x.db?mode=ro&statmentCacheSize=8&cache=shared"));
    }

    @Test
    void connectTimeoutDoesNotApply() {
        fails("option connectTimeout does not apply to SQLite, a local file that is opened, not connected to; use"
                + " busyTimeout to bound waiting for a lock", () -> fromUrl("r2dbc:sqlite:///x.db?connectTimeout=PT5S"));
    }

    @Test
    void poolAndProxyOptionsPassAndEveryValidSpellingWorks() {
        SqliteConnectionConfiguration c = fromUrl("r2dbc:sqlite:///x.db?readOnly=false&busyTimeout=PT2S"
                + "&journalMode=wal&synchronous=full&foreignKeys=true&readerLanes=3&statementCacheSize=8"
                + "&beginMode=immediate&initialSize=1&maxSize=4&maxIdleTime=PT1M&validationQuery=SELECT%201"
                + "&proxyListener=x.Listener");
        assertEquals(Duration.ofSeconds(2), c.busyTimeout());
        assertEquals(Synchronous.FULL, c.synchronous());
        assertEquals(3, c.readerLanes());
        assertEquals(8, c.statementCacheSize());
        ConnectionFactory pooled = ConnectionFactories.get("r2dbc:pool:sqlite:///:memory:?initialSize=1&maxSize=4"
                + "&statementCacheSize=8");
        assertInstanceOf(ConnectionPool.class, pooled);
        Mono.from(((ConnectionPool) pooled).close()).block(Duration.ofSeconds(30));
    }

    @Test
    void typedOptionsAndTheScheduler() {
        Scheduler scheduler = Schedulers.immediate();
        SqliteConnectionConfiguration c = SqliteConnectionFactoryProvider.configuration(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "sqlite")
                .option(ConnectionFactoryOptions.DATABASE, "/tmp/x.db")
                .option(SqliteConnectionFactoryProvider.BUSY_TIMEOUT, Duration.ofMillis(1500))
                .option(SqliteConnectionFactoryProvider.READER_LANES, 1)
                .option(SqliteConnectionFactoryProvider.JOURNAL_MODE, JournalMode.WAL)
                .option(SqliteConnectionFactoryProvider.SCHEDULER, scheduler)
                .build());
        assertEquals(Duration.ofMillis(1500), c.busyTimeout());
        assertEquals(1, c.readerLanes());
        assertSame(scheduler, c.scheduler());
    }

    @Test
    void connectionFactoriesFindsTheDriver() {
        ConnectionFactory factory = ConnectionFactories.get("r2dbc:sqlite:///:memory:");
        SqliteConnectionFactory sqlite = assertInstanceOf(SqliteConnectionFactory.class, factory);
        assertEquals("SQLite", factory.getMetadata().getName());
        Mono.from(sqlite.close()).block(Duration.ofSeconds(30));
    }
}
