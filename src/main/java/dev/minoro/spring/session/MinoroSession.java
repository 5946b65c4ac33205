package dev.minoro.spring.session;

import dev.minoro.internal.repository.SpringSessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.session.ReactiveFindByIndexNameSessionRepository;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;

/**
 * A Spring {@link Session} of {@link MinoroReactiveSessionRepository}: what one request reads and changes, remembering
 * which attributes changed so that saving writes only those. Stored attributes are deserialized when first read. Not
 * thread-safe, like Spring Session's own sessions: one request uses it at a time. {@link #toString()} never shows the
 * id (a credential) or attribute values.
 */
public final class MinoroSession implements Session {

    /** The Spring Security attribute from which Spring's {@code PrincipalNameIndexResolver} reads the principal. */
    static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

    private final UUID primaryKey;
    private final Instant creationTime;
    private final Clock clock;
    private final Supplier<String> ids;
    private final SessionAttributeSerializer serializer;
    private final SaveMode saveMode;
    /** Values read or set, by name. */
    private final Map<String, Object> values = new HashMap<>();
    /** Stored values not read yet, by name. */
    private final Map<String, byte[]> serialized;
    /** The names of the attributes set, removed (or, with {@link SaveMode#ON_GET_ATTRIBUTE}, read) since saved. */
    private final Set<String> changed = new LinkedHashSet<>();

    private String id;
    /** The SHA-256 of the session's id, as stored or to store. */
    private String tokenHash;
    private boolean isNew;
    private boolean idChanged;
    private Instant lastAccessedTime;
    /** The last-accessed time stored. */
    private Instant storedLastAccessedTime;
    private Duration maxInactiveInterval;
    private boolean maxInactiveIntervalChanged;
    private @Nullable String storedPrincipalName;

    private MinoroSession(UUID primaryKey, String id, String tokenHash, boolean isNew, Instant creationTime,
            Instant lastAccessedTime, Duration maxInactiveInterval, @Nullable String principalName,
            Map<String, byte[]> serialized, Clock clock,
            Supplier<String> ids, SessionAttributeSerializer serializer, SaveMode saveMode) {
        this.primaryKey = primaryKey;
        this.id = id;
        this.tokenHash = tokenHash;
        this.isNew = isNew;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.storedLastAccessedTime = lastAccessedTime;
        this.maxInactiveInterval = maxInactiveInterval;
        this.storedPrincipalName = principalName;
        this.serialized = new HashMap<>(serialized);
        this.clock = clock;
        this.ids = ids;
        this.serializer = serializer;
        this.saveMode = saveMode;
    }

    /** A new session, not stored yet. */
    static MinoroSession created(UUID primaryKey, String id, Instant now, Duration maxInactiveInterval, Clock clock,
            Supplier<String> ids, SessionAttributeSerializer serializer, SaveMode saveMode) {
        return new MinoroSession(primaryKey, id, SpringSessionStore.hash(id), true, now, now, maxInactiveInterval, null,
                Map.of(), clock, ids, serializer, saveMode);
    }

    /**
     * A stored session, known by {@code id}: the id it was asked for, or a handle of its primary key (saving it keeps
     * the stored hash of its real id, which the handle does not change).
     */
    static MinoroSession stored(SpringSessionStore.Stored stored, String id, Clock clock, Supplier<String> ids,
            SessionAttributeSerializer serializer, SaveMode saveMode) {
        return new MinoroSession(stored.id(), id, stored.tokenHash(), false, stored.createdAt(), stored.lastSeenAt(),
                stored.maxInactiveInterval(), stored.principalName(), stored.attributes(), clock, ids, serializer,
                saveMode);
    }

    UUID primaryKey() {
        return primaryKey;
    }

    /** The SHA-256 of the session's id: stored already, or to be stored by the next save. */
    String tokenHash() {
        return tokenHash;
    }

    boolean isNew() {
        return isNew;
    }

    boolean idChanged() {
        return idChanged;
    }

    Instant storedLastAccessedTime() {
        return storedLastAccessedTime;
    }

    boolean maxInactiveIntervalChanged() {
        return maxInactiveIntervalChanged;
    }

    @Nullable String storedPrincipalName() {
        return storedPrincipalName;
    }

    /** Whether an attribute that the principal name is resolved from was set or removed since saved. */
    boolean principalMayHaveChanged() {
        return isNew || changed.contains(ReactiveFindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME)
                || changed.contains(SPRING_SECURITY_CONTEXT);
    }

    /**
     * The serialized attributes that saving writes: the changed ones, or all of them for a new session or with
     * {@link SaveMode#ALWAYS}.
     *
     * @throws SessionSerializationException when the serializer fails on one
     */
    Map<String, byte[]> upserts() {
        Map<String, byte[]> upserts = new HashMap<>();
        boolean all = isNew || saveMode == SaveMode.ALWAYS;
        for (String name : all ? getAttributeNames() : changed) {
            Object value = values.get(name);
            if (value != null) {
                upserts.put(name, serialize(name, value));
            } else if (serialized.containsKey(name)) {
                upserts.put(name, serialized.get(name));
            }
        }
        return upserts;
    }

    /** The names of the attributes removed since saved. */
    Set<String> removals() {
        Set<String> removals = new LinkedHashSet<>();
        if (!isNew) {
            for (String name : changed) {
                if (!values.containsKey(name) && !serialized.containsKey(name)) {
                    removals.add(name);
                }
            }
        }
        return removals;
    }

    /** Records that the session was saved as it is now: {@code rowWritten} when its row was, with the principal. */
    void saved(boolean rowWritten, @Nullable String principalName) {
        isNew = false;
        idChanged = false;
        changed.clear();
        if (rowWritten) {
            storedLastAccessedTime = lastAccessedTime;
            maxInactiveIntervalChanged = false;
            storedPrincipalName = principalName;
        }
    }

    private byte[] serialize(String name, Object value) {
        try {
            return Objects.requireNonNull(serializer.serialize(name, value), "the serializer returned null");
        } catch (RuntimeException e) {
            throw new SessionSerializationException("could not serialize session attribute \"" + name + "\" (a "
                    + value.getClass().getName() + ") with " + serializer + ": make its value serializable by it, or"
                    + " configure a SessionAttributeSerializer that handles it", name, e);
        }
    }

    /** {@inheritDoc} The id is a credential: 256 random bits, base64url; only its SHA-256 is stored. */
    @Override
    public String getId() {
        return id;
    }

    /**
     * {@inheritDoc} The new id, like the first, is 256 bits from a {@code SecureRandom}; saving replaces the stored
     * hash, so the old id finds nothing anymore.
     */
    @Override
    public String changeSessionId() {
        id = ids.get();
        tokenHash = SpringSessionStore.hash(id);
        idChanged = true;
        return id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T getAttribute(String attributeName) {
        Object value = values.get(attributeName);
        if (value == null) {
            byte[] bytes = serialized.remove(attributeName);
            if (bytes == null) {
                return null;
            }
            try {
                value = Objects.requireNonNull(serializer.deserialize(attributeName, bytes),
                        "the serializer returned null");
            } catch (RuntimeException e) {
                serialized.put(attributeName, bytes);
                throw new SessionSerializationException("could not deserialize session attribute \"" + attributeName
                        + "\" with " + serializer + ": was it stored by another serializer, or by a version of its"
                        + " class that this one cannot read?", attributeName, e);
            }
            values.put(attributeName, value);
        }
        if (saveMode == SaveMode.ON_GET_ATTRIBUTE) {
            changed.add(attributeName);
        }
        return (T) value;
    }

    @Override
    public Set<String> getAttributeNames() {
        Set<String> names = new LinkedHashSet<>(values.keySet());
        names.addAll(serialized.keySet());
        return names;
    }

    /** {@inheritDoc} A null value removes the attribute, as {@link #removeAttribute} does. */
    @Override
    public void setAttribute(String attributeName, @Nullable Object attributeValue) {
        if (attributeValue == null) {
            removeAttribute(attributeName);
            return;
        }
        serialized.remove(attributeName);
        values.put(attributeName, attributeValue);
        changed.add(attributeName);
    }

    @Override
    public void removeAttribute(String attributeName) {
        boolean had = values.remove(attributeName) != null | serialized.remove(attributeName) != null;
        if (had) {
            changed.add(attributeName);
        }
    }

    @Override
    public Instant getCreationTime() {
        return creationTime;
    }

    /** {@inheritDoc} Kept to the millisecond, as the databases keep it. */
    @Override
    public void setLastAccessedTime(Instant lastAccessedTime) {
        this.lastAccessedTime = lastAccessedTime.truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public Instant getLastAccessedTime() {
        return lastAccessedTime;
    }

    /** {@inheritDoc} A negative interval means the session never expires, as in Spring Session. */
    @Override
    public void setMaxInactiveInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (!interval.equals(maxInactiveInterval)) {
            maxInactiveInterval = interval;
            maxInactiveIntervalChanged = true;
        }
    }

    @Override
    public Duration getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    /**
     * {@inheritDoc} By the repository's clock (Minoro's): expired once {@code maxInactiveInterval} has passed since
     * the last access; never when the interval is negative.
     */
    @Override
    public boolean isExpired() {
        return !maxInactiveInterval.isNegative()
                && !clock.instant().isBefore(lastAccessedTime.plus(maxInactiveInterval));
    }

    @Override
    public String toString() {
        return "MinoroSession{primaryKey=" + primaryKey + ", new=" + isNew + ", attributes=" + getAttributeNames()
                + ", maxInactiveInterval=" + maxInactiveInterval + '}';
    }
}
