package dev.minoro.spring.session;

import dev.minoro.MinoroException;
import org.jspecify.annotations.Nullable;

/**
 * A session attribute that the {@link SessionAttributeSerializer} could not turn into bytes (when the session is
 * saved) or back (when the attribute is read), with the serializer's exception as the cause. The message names the
 * attribute and the type of its value, never the value or the session id.
 */
public final class SessionSerializationException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** The name of the attribute that could not be serialized or deserialized. */
    private final String attributeName;

    /**
     * An exception about attribute {@code attributeName}.
     *
     * @param message       what went wrong, naming the attribute
     * @param attributeName the attribute's name
     * @param cause         the serializer's exception
     */
    public SessionSerializationException(String message, String attributeName, @Nullable Throwable cause) {
        super(message, cause);
        this.attributeName = attributeName;
    }

    /** {@return the name of the attribute that could not be serialized or deserialized} */
    public String attributeName() {
        return attributeName;
    }
}
