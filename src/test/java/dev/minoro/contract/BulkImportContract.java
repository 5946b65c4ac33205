package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.ImportResult;
import dev.minoro.ImportResult.Status;
import dev.minoro.NewUser;
import dev.minoro.UserQuery;
import dev.minoro.UserRepository;
import dev.minoro.testing.TestConfigs;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * {@link UserRepository#importAll} for every database: one result per input row in order, refused rows never
 * stopping the others, duplicates within the input and against existing users, batches beyond the first, and an
 * input read only as fast as the results are consumed.
 */
public interface BulkImportContract extends MinoroFixture {

    @Test
    default void eachRowIsReportedInOrderAndARefusedOneNeverStopsTheOthers() {
        user("taken@example.com");
        String bcrypt = OpenBSDBCrypt.generate("2b", "imported secret".toCharArray(), new byte[16], 4);
        String unknownHash = "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/";
        List<NewUser> input = List.of(
                NewUser.of("first@example.com", null).withPasswordHash(bcrypt).withDisplayName("First"),
                NewUser.of("second@example.com", TestConfigs.PASSWORD),
                NewUser.of("Taken@Example.com", null).withPasswordHash(bcrypt),
                NewUser.of("not an email", null).withPasswordHash(bcrypt),
                NewUser.of("hash@example.com", null).withPasswordHash(unknownHash),
                NewUser.of("short@example.com", "short"),
                NewUser.of("FIRST@example.com", null),
                NewUser.of("nopassword@example.com", null));
        List<ImportResult> results = minoro().users().importAll(Flux.fromIterable(input)).collectList().block(TIMEOUT);
        assertNotNull(results);
        assertEquals(List.of(Status.CREATED, Status.CREATED, Status.DUPLICATE, Status.INVALID, Status.INVALID,
                Status.INVALID, Status.DUPLICATE, Status.CREATED), results.stream().map(ImportResult::status).toList());
        for (int i = 0; i < input.size(); i++) {
            ImportResult result = results.get(i);
            assertEquals(i, result.position());
            assertEquals(input.get(i).email(), result.email());
            assertEquals(result.status() == Status.CREATED, result.userId() != null, result.toString());
            assertEquals(result.status() == Status.INVALID, result.reason() != null, result.toString());
            assertFalse(result.toString().contains(bcrypt.substring(7)), result.toString());
            assertFalse(result.toString().contains("qjXMv"), result.toString());
            assertFalse(result.toString().contains(TestConfigs.PASSWORD), result.toString());
        }
        assertTrue(results.get(4).reason().startsWith("passwordHash cannot be used: MD5-crypt ($1$)"),
                results.get(4).reason());
        assertNull(results.get(2).reason());
        minoro().users().count().as(StepVerifier::create).expectNext(4L).verifyComplete();
        minoro().users().findByEmail("first@example.com").as(StepVerifier::create)
                .assertNext(user -> {
                    assertEquals(results.get(0).userId(), user.id());
                    assertEquals("First", user.displayName());
                    // as create() writes them: a stamp, and the password's time
                    assertTrue(user.securityStamp().matches("[0-9a-f]{32}"), user.securityStamp());
                    assertEquals(user.createdAt(), user.passwordChangedAt());
                })
                .verifyComplete();
        minoro().users().findByEmail("nopassword@example.com").as(StepVerifier::create)
                .assertNext(user -> assertNull(user.passwordChangedAt()))
                .verifyComplete();
        // the display name is searchable as a created user's is
        minoro().users().count(UserQuery.all().withText("fIRS")).as(StepVerifier::create).expectNext(1L)
                .verifyComplete();
        minoro().authenticate("first@example.com", "imported secret").as(StepVerifier::create).expectNextCount(1)
                .verifyComplete();
        minoro().authenticate("second@example.com", TestConfigs.PASSWORD).as(StepVerifier::create)
                .expectNextCount(1).verifyComplete();
    }

    /** Several batches, each committed: every row created, duplicates across batches found. */
    @Test
    default void manyBatchesImportEveryRowAndFindDuplicatesAcrossThem() {
        int rows = UserRepository.IMPORT_BATCH_SIZE * 2 + 37;
        String hash = OpenBSDBCrypt.generate("2b", "imported secret".toCharArray(), new byte[16], 4);
        Flux<NewUser> input = Flux.range(0, rows)
                .map(i -> NewUser.of("user" + (i % (rows - 10)) + "@example.com", null).withPasswordHash(hash));
        List<ImportResult> results = minoro().users().importAll(input).collectList().block(TIMEOUT.multipliedBy(4));
        assertNotNull(results);
        assertEquals(rows, results.size());
        assertEquals(rows - 10, results.stream().filter(r -> r.status() == Status.CREATED).count());
        assertEquals(10, results.stream().filter(r -> r.status() == Status.DUPLICATE).count());
        for (int i = 0; i < rows; i++) {
            assertEquals(i, results.get(i).position());
            assertEquals(i >= rows - 10 ? Status.DUPLICATE : Status.CREATED, results.get(i).status());
        }
        minoro().users().count().as(StepVerifier::create).expectNext((long) rows - 10).verifyComplete();
    }

    /**
     * The input is read only as far as the results are consumed: a consumer that asks for one result has made at
     * most two batches be read from a huge input.
     */
    @Test
    default void aHugeInputIsReadOnlyAsFastAsResultsAreConsumed() {
        AtomicLong read = new AtomicLong();
        Flux<NewUser> huge = Flux.range(0, Integer.MAX_VALUE)
                .map(i -> NewUser.of("huge" + i + "@example.com", null))
                .doOnNext(user -> read.incrementAndGet());
        minoro().users().importAll(huge).as(flux -> StepVerifier.create(flux, 1))
                .assertNext(result -> assertEquals(Status.CREATED, result.status()))
                .then(() -> assertTrue(read.get() <= 2L * UserRepository.IMPORT_BATCH_SIZE, "read " + read.get()))
                .thenRequest(UserRepository.IMPORT_BATCH_SIZE)
                .expectNextCount(UserRepository.IMPORT_BATCH_SIZE)
                .then(() -> assertTrue(read.get() <= 3L * UserRepository.IMPORT_BATCH_SIZE, "read " + read.get()))
                .thenCancel()
                .verify(TIMEOUT);
        long created = minoro().users().count().block(TIMEOUT);
        assertTrue(created >= UserRepository.IMPORT_BATCH_SIZE + 1 && created <= read.get(), "created " + created);
    }
}
