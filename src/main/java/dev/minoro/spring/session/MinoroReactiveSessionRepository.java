package dev.minoro.spring.session;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.repository.SpringSessionStore;
import dev.minoro.sqlite.internal.AsciiDigits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.session.IndexResolver;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.ReactiveFindByIndexNameSessionRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import reactor.core.publisher.Mono;

/**
 * A Spring Session {@link ReactiveSessionRepository} that keeps sessions in Minoro's database (SQLite, libSQL or
 * PostgreSQL, also behind PgBouncer), next to the users, through the connections of the {@link Minoro} it is made
 * from. With {@code @EnableSpringWebSession} (or Minoro's Spring Boot auto-configuration) WebFlux keeps its
 * {@code WebSession}s here.
 *
 * <pre>{@code
 * @Bean
 * MinoroReactiveSessionRepository sessionRepository(Minoro minoro) {
 *     return MinoroReactiveSessionRepository.builder(minoro).defaultMaxInactiveInterval(Duration.ofHours(8)).build();
 * }
 * }</pre>
 *
 * <p><b>Ids.</b> A session id is 256 bits from a {@code SecureRandom}, base64url (43 characters), stronger than
 * Spring's UUIDs; the database keeps only its SHA-256, so a copy of the database yields no usable session.
 * {@link Session#changeSessionId()} (which Spring Security calls at login) replaces it when the session is saved.
 *
 * <p><b>Writes.</b> Saving a session writes only what changed, as Spring Session JDBC does: the attributes set or
 * removed since it was read (a removed attribute's row is deleted), and the session's own row only when its id, its
 * {@code maxInactiveInterval} or its principal changed, or its last access is due to be written. All of it goes in
 * one transaction, or in one statement when one suffices (one changed attribute: one statement). A save of a session
 * that was deleted meanwhile (signed out elsewhere) writes nothing and does not bring it back.
 *
 * <p><b>Expiry and the renewal interval.</b> A session expires {@code maxInactiveInterval} after its last access
 * (Spring's 30 minutes by default; negative for never). WebFlux marks each request as an access, but writing it on
 * every request would cost a write per request: the last access is written only once it is
 * {@link Builder#renewalInterval(Duration) the renewal interval} (1 minute by default; at most half the session's
 * {@code maxInactiveInterval}) past the stored one, unless the row is written anyway. So a session may end up to that
 * long before {@code lastAccessedTime + maxInactiveInterval}, never after. {@link #findById} returns nothing for an
 * expired session and deletes it; schedule {@code minoro.sessions().purgeExpired()} for those nobody asks for.
 *
 * <p><b>Users.</b> When a session's principal name (resolved by the {@link IndexResolver}, by default Spring's
 * {@link PrincipalNameIndexResolver}, from {@link #PRINCIPAL_NAME_INDEX_NAME} or Spring Security's context) is the
 * email of a Minoro user, the session is bound to that user and the user's security stamp. From then on
 * {@link #findById} returns nothing, and deletes the session, once the user is disabled or deleted or its stamp
 * changed (password change, email change, role change, disable): a disabled user's sessions stop working at their
 * next request, whatever disabled the user. {@code minoro.sessions().revokeAll(userId)} deletes them at once.
 *
 * <p><b>findByPrincipalName.</b> The database does not know session ids, so the sessions it returns are keyed, and
 * known by {@link Session#getId()}, by a handle {@code minoro-session:<uuid>} of their primary key: enough for
 * {@link #deleteById}, {@link #save} and Spring Security's {@code SpringSessionBackedReactiveSessionRegistry}, never
 * a credential ({@link #findById} finds nothing by a handle).
 *
 * <p>Every method returns a cold publisher that emits on the database driver's threads. Attribute values are
 * serialized by the {@link SessionAttributeSerializer} on the thread that saves, and deserialized when first read;
 * its failures are {@link SessionSerializationException}s. Database failures are Minoro's
 * {@code DatabaseException}; after {@code minoro.close()}, {@code MinoroClosedException}.
 */
public final class MinoroReactiveSessionRepository
        implements ReactiveSessionRepository<MinoroSession>, ReactiveFindByIndexNameSessionRepository<MinoroSession> {

    /** Spring Session's default {@code maxInactiveInterval}: 30 minutes. */
    public static final Duration DEFAULT_MAX_INACTIVE_INTERVAL = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

    /** The default {@link Builder#renewalInterval(Duration) renewal interval}: 1 minute. */
    public static final Duration DEFAULT_RENEWAL_INTERVAL = Duration.ofMinutes(1);

    /** What starts the handle by which {@link #findByPrincipalName} knows sessions. */
    static final String HANDLE_PREFIX = "minoro-session:";

    private final SpringSessionStore store;
    private final Clock clock;
    private final Duration defaultMaxInactiveInterval;
    private final Duration renewalInterval;
    private final SessionAttributeSerializer serializer;
    private final SaveMode saveMode;
    private final IndexResolver<Session> indexResolver;

    private MinoroReactiveSessionRepository(Builder builder) {
        this.store = builder.store;
        this.clock = builder.minoro.clock();
        this.defaultMaxInactiveInterval = builder.defaultMaxInactiveInterval;
        this.renewalInterval = builder.renewalInterval;
        this.serializer = builder.serializer;
        this.saveMode = builder.saveMode;
        this.indexResolver = builder.indexResolver;
    }

    /**
     * {@return a repository over {@code minoro}'s database with the defaults: Spring's 30-minute
     * {@code maxInactiveInterval}, a 1-minute renewal interval, Java serialization, {@link SaveMode#ON_SET_ATTRIBUTE}
     * and Spring's {@link PrincipalNameIndexResolver}}
     *
     * @param minoro the Minoro instance whose database keeps the sessions
     * @throws ConfigurationException when {@code minoro} is null or not an instance made by {@code Minoro.create}
     */
    public static MinoroReactiveSessionRepository of(Minoro minoro) {
        return builder(minoro).build();
    }

    /**
     * {@return a builder of a repository over {@code minoro}'s database}
     *
     * @param minoro the Minoro instance whose database keeps the sessions
     * @throws ConfigurationException when {@code minoro} is null or not an instance made by {@code Minoro.create}
     */
    public static Builder builder(Minoro minoro) {
        return new Builder(minoro);
    }

    /**
     * A cold {@code Mono} of a new session, not stored until {@link #save saved}: a new 256-bit id, the default
     * {@code maxInactiveInterval}, created and last accessed now (by Minoro's clock). Touches no database.
     */
    @Override
    public Mono<MinoroSession> createSession() {
        return Mono.fromSupplier(() -> MinoroSession.created(store.newPrimaryKey(), store.newSessionId(),
                store.now(), defaultMaxInactiveInterval, clock, store::newSessionId, serializer, saveMode));
    }

    /**
     * Stores what changed in {@code session} (see the class's description): a cold {@code Mono} that completes when
     * it is written, without a database round trip when nothing is due.
     *
     * @throws SessionSerializationException (signalled) when an attribute cannot be serialized; nothing is written
     */
    @Override
    public Mono<Void> save(MinoroSession session) {
        return Mono.defer(() -> {
            Objects.requireNonNull(session, "session");
            boolean rebind = false;
            @Nullable String principalName = session.storedPrincipalName();
            if (session.principalMayHaveChanged()) {
                principalName = indexResolver.resolveIndexesFor(session).get(PRINCIPAL_NAME_INDEX_NAME);
                rebind = session.isNew() || !Objects.equals(principalName, session.storedPrincipalName());
            }
            boolean writeRow = session.isNew() || session.idChanged() || session.maxInactiveIntervalChanged()
                    || rebind || renewalDue(session);
            SpringSessionStore.Write write = new SpringSessionStore.Write(session.primaryKey(), session.isNew(),
                    session.tokenHash(), writeRow, session.getLastAccessedTime(),
                    session.getMaxInactiveInterval(), rebind, principalName, session.getCreationTime(),
                    session.upserts(), session.removals());
            @Nullable String saved = principalName;
            return store.write(write).then(Mono.fromRunnable(() -> session.saved(writeRow, saved)));
        });
    }

    /**
     * Whether the session's last access is to be written: it is at least the renewal interval, or half the session's
     * {@code maxInactiveInterval} when that is shorter, past the stored one.
     */
    private boolean renewalDue(MinoroSession session) {
        Duration due = renewalInterval;
        Duration maxInactive = session.getMaxInactiveInterval();
        if (!maxInactive.isNegative() && maxInactive.dividedBy(2).compareTo(due) < 0) {
            due = maxInactive.dividedBy(2);
        }
        Instant stored = session.storedLastAccessedTime();
        Instant accessed = session.getLastAccessedTime();
        return accessed.isAfter(stored) && !accessed.isBefore(stored.plus(due));
    }

    /**
     * A cold {@code Mono} of the session with this id; empty when there is none, or it expired or its user no longer
     * allows it (disabled, deleted, security stamp changed), in which case it is deleted. The id is looked up by its
     * SHA-256, in one statement with the session's attributes (which are deserialized only when read).
     */
    @Override
    public Mono<MinoroSession> findById(String id) {
        return Mono.defer(() -> {
            if (id == null || id.isEmpty() || id.startsWith(HANDLE_PREFIX)) {
                return Mono.empty();
            }
            return store.find(SpringSessionStore.hash(id))
                    .map(stored -> MinoroSession.stored(stored, id, clock, store::newSessionId, serializer, saveMode));
        });
    }

    /**
     * A cold {@code Mono} that deletes the session with this id (or {@linkplain #findByPrincipalName handle}) and its
     * attributes, completing whether or not there was one.
     */
    @Override
    public Mono<Void> deleteById(String id) {
        return Mono.defer(() -> {
            if (id == null || id.isEmpty()) {
                return Mono.empty();
            }
            @Nullable UUID primaryKey = primaryKeyOf(id);
            return (primaryKey != null ? store.delete(primaryKey) : store.delete(SpringSessionStore.hash(id))).then();
        });
    }

    /**
     * A cold {@code Mono} of the live sessions indexed by {@code indexName} = {@code indexValue}, keyed by their
     * {@linkplain MinoroReactiveSessionRepository handles}: for {@link #PRINCIPAL_NAME_INDEX_NAME}, the sessions of
     * that principal (dead ones are deleted on the way); for any other index, none.
     */
    @Override
    public Mono<Map<String, MinoroSession>> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        return Mono.defer(() -> {
            if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
                return Mono.just(Map.of());
            }
            return store.findByPrincipalName(indexValue)
                    .map(stored -> MinoroSession.stored(stored, HANDLE_PREFIX + stored.id(), clock,
                            store::newSessionId, serializer, saveMode))
                    .collectMap(MinoroSession::getId, session -> session, LinkedHashMap::new);
        });
    }

    /** The primary key that {@code id} is a handle of, or null when it is not a handle. */
    private static @Nullable UUID primaryKeyOf(String id) {
        if (!id.startsWith(HANDLE_PREFIX)) {
            return null;
        }
        String primaryKey = id.substring(HANDLE_PREFIX.length());
        return AsciiDigits.isCanonicalUuid(primaryKey) ? UUID.fromString(primaryKey) : null;
    }

    @Override
    public String toString() {
        return "MinoroReactiveSessionRepository{defaultMaxInactiveInterval=" + defaultMaxInactiveInterval
                + ", renewalInterval=" + renewalInterval + ", saveMode=" + saveMode + ", serializer=" + serializer
                + '}';
    }

    /** Builds a {@link MinoroReactiveSessionRepository}; each setter checks its argument. */
    public static final class Builder {

        private final Minoro minoro;
        private final SpringSessionStore store;
        private Duration defaultMaxInactiveInterval = DEFAULT_MAX_INACTIVE_INTERVAL;
        private Duration renewalInterval = DEFAULT_RENEWAL_INTERVAL;
        private SessionAttributeSerializer serializer = SessionAttributeSerializer.javaSerialization();
        private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
        // The reactive index name ("PRINCIPAL_NAME_INDEX_NAME"), as Spring's reactive Redis repository resolves it, not
        // the servlet repositories' longer one that the no-argument constructor reads.
        private IndexResolver<Session> indexResolver = new PrincipalNameIndexResolver<>(PRINCIPAL_NAME_INDEX_NAME);

        private Builder(Minoro minoro) {
            if (minoro == null) {
                throw new ConfigurationException("minoro must not be null");
            }
            try {
                this.store = MinoroRuntime.springSessionStore(minoro);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
            this.minoro = minoro;
        }

        /**
         * The {@code maxInactiveInterval} of new sessions: how long after its last access a session expires; a
         * negative duration for never. Spring's 30 minutes by default.
         *
         * @param interval the interval; not zero
         * @return this builder
         * @throws ConfigurationException when it is null or zero
         */
        public Builder defaultMaxInactiveInterval(Duration interval) {
            if (interval == null || interval.isZero()) {
                throw new ConfigurationException("defaultMaxInactiveInterval must be positive, or negative for"
                        + " never, was " + interval);
            }
            this.defaultMaxInactiveInterval = interval;
            return this;
        }

        /**
         * How far a session's last access must be past the stored one before saving writes it (when nothing else
         * of the session's row changed); half the session's {@code maxInactiveInterval} when that is shorter. A
         * session may end up to this long before {@code lastAccessedTime + maxInactiveInterval}. 1 minute by
         * default; zero writes every access.
         *
         * @param interval the interval, zero or more
         * @return this builder
         * @throws ConfigurationException when it is null or negative
         */
        public Builder renewalInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new ConfigurationException("renewalInterval must be zero or more, was " + interval);
            }
            this.renewalInterval = interval;
            return this;
        }

        /**
         * How attribute values become bytes; {@link SessionAttributeSerializer#javaSerialization()} by default.
         *
         * @param serializer the serializer
         * @return this builder
         * @throws ConfigurationException when it is null
         */
        public Builder serializer(SessionAttributeSerializer serializer) {
            if (serializer == null) {
                throw new ConfigurationException("serializer must not be null");
            }
            this.serializer = serializer;
            return this;
        }

        /**
         * Which attributes a save writes, as in Spring Session: {@link SaveMode#ON_SET_ATTRIBUTE} (the default)
         * those set or removed; {@link SaveMode#ON_GET_ATTRIBUTE} those read too (for mutable values changed in
         * place); {@link SaveMode#ALWAYS} all of them.
         *
         * @param saveMode the save mode
         * @return this builder
         * @throws ConfigurationException when it is null
         */
        public Builder saveMode(SaveMode saveMode) {
            if (saveMode == null) {
                throw new ConfigurationException("saveMode must not be null");
            }
            this.saveMode = saveMode;
            return this;
        }

        /**
         * What resolves a session's principal name ({@link #PRINCIPAL_NAME_INDEX_NAME}); Spring's
         * {@link PrincipalNameIndexResolver} by default. It is asked when the session is new or the attribute
         * {@link #PRINCIPAL_NAME_INDEX_NAME} or {@code SPRING_SECURITY_CONTEXT} was set or removed.
         *
         * @param indexResolver the resolver
         * @return this builder
         * @throws ConfigurationException when it is null
         */
        public Builder indexResolver(IndexResolver<Session> indexResolver) {
            if (indexResolver == null) {
                throw new ConfigurationException("indexResolver must not be null");
            }
            this.indexResolver = indexResolver;
            return this;
        }

        /** {@return the repository} */
        public MinoroReactiveSessionRepository build() {
            return new MinoroReactiveSessionRepository(this);
        }
    }
}
