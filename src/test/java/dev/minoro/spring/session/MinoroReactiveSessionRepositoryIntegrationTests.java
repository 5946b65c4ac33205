package dev.minoro.spring.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.session.SaveMode;
import reactor.test.StepVerifier;

/**
 * What {@link MinoroReactiveSessionRepository}'s builder accepts and what its save modes write, on a SQLite file (the
 * store's behaviour on every database is {@code SpringSessionContract}'s).
 */
final class MinoroReactiveSessionRepositoryIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Minoro minoro;

    @BeforeEach
    void start() {
        minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "store.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        minoro.close().block(TIMEOUT);
    }

    @Test
    void theBuilderRefusesBadSettingsNamingThem() {
        assertEquals("minoro must not be null",
                assertThrows(ConfigurationException.class, () -> MinoroReactiveSessionRepository.builder(null))
                        .getMessage());
        MinoroReactiveSessionRepository.Builder builder = MinoroReactiveSessionRepository.builder(minoro);
        assertEquals("defaultMaxInactiveInterval must be positive, or negative for never, was PT0S",
                assertThrows(ConfigurationException.class, () -> builder.defaultMaxInactiveInterval(Duration.ZERO))
                        .getMessage());
        assertEquals("renewalInterval must be zero or more, was PT-1S",
                assertThrows(ConfigurationException.class, () -> builder.renewalInterval(Duration.ofSeconds(-1)))
                        .getMessage());
        assertThrows(ConfigurationException.class, () -> builder.serializer(null));
        assertThrows(ConfigurationException.class, () -> builder.saveMode(null));
        assertThrows(ConfigurationException.class, () -> builder.indexResolver(null));
        builder.defaultMaxInactiveInterval(Duration.ofSeconds(-1)).renewalInterval(Duration.ZERO).build();
    }

    /** A value changed in place, after it was read, is written by ON_GET_ATTRIBUTE and ALWAYS, not by ON_SET_ATTRIBUTE. */
    @Test
    void theSaveModeDecidesWhetherAValueChangedInPlaceIsWritten() {
        for (SaveMode mode : SaveMode.values()) {
            MinoroReactiveSessionRepository repository = MinoroReactiveSessionRepository.builder(minoro).saveMode(mode)
                    .build();
            MinoroSession session = repository.createSession().block(TIMEOUT);
            session.setAttribute("cart", new ArrayList<>(List.of("book")));
            session.setAttribute("other", "unchanged");
            repository.save(session).as(StepVerifier::create).verifyComplete();

            MinoroSession read = repository.findById(session.getId()).block(TIMEOUT);
            List<String> cart = read.getAttribute("cart");
            cart.add("pen");
            repository.save(read).as(StepVerifier::create).verifyComplete();

            List<String> stored = repository.findById(session.getId()).block(TIMEOUT).getAttribute("cart");
            assertEquals(mode == SaveMode.ON_SET_ATTRIBUTE ? List.of("book") : List.of("book", "pen"), stored,
                    mode.toString());
        }
    }
}
