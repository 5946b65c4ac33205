package dev.minoro.spring.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.core.serializer.DefaultDeserializer;
import org.springframework.core.serializer.DefaultSerializer;
import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.Serializer;

/**
 * How {@link MinoroReactiveSessionRepository} turns session attribute values into the bytes it stores and back.
 * {@link #javaSerialization()} is the default, as in Spring Session JDBC; an application that wants JSON (readable
 * rows, no Java deserialization of stored bytes) supplies its own, for example over Jackson with Spring Security's
 * Jackson modules, or through {@link #of(Serializer, Deserializer)} from a pair of Spring's serializers.
 *
 * <p>Both methods run on the thread that saves the session or reads the attribute (an event loop in WebFlux), so
 * they must not block. Whatever they throw reaches the application as a {@link SessionSerializationException}
 * naming the attribute.
 */
public interface SessionAttributeSerializer {

    /**
     * {@return {@code value} as bytes}
     *
     * @param name  the attribute's name
     * @param value the attribute's value, never null
     */
    byte[] serialize(String name, Object value);

    /**
     * {@return the value that {@link #serialize} made {@code bytes} of}
     *
     * @param name  the attribute's name
     * @param bytes what {@link #serialize} returned for it
     */
    Object deserialize(String name, byte[] bytes);

    /**
     * {@return Java serialization, with Spring's {@link DefaultSerializer} and {@link DefaultDeserializer}, reading
     * classes through the class loader that loaded Spring's {@code DefaultDeserializer} (or the thread's, as Spring's
     * deserializer decides)}
     */
    static SessionAttributeSerializer javaSerialization() {
        return of(new DefaultSerializer(), new DefaultDeserializer());
    }

    /**
     * {@return Java serialization, reading classes through {@code classLoader}} For applications whose classes a
     * different class loader holds (Spring Boot's devtools restart loader, say).
     *
     * @param classLoader the class loader of the attribute's classes
     */
    static SessionAttributeSerializer javaSerialization(ClassLoader classLoader) {
        return of(new DefaultSerializer(), new DefaultDeserializer(classLoader));
    }

    /**
     * {@return a serializer made of one of Spring's {@link Serializer} and {@link Deserializer} pairs}
     *
     * @param serializer   writes a value
     * @param deserializer reads it back
     */
    static SessionAttributeSerializer of(Serializer<Object> serializer, Deserializer<Object> deserializer) {
        return new SessionAttributeSerializer() {

            @Override
            public byte[] serialize(String name, Object value) {
                try {
                    return serializer.serializeToByteArray(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Object deserialize(String name, byte[] bytes) {
                try {
                    return deserializer.deserializeFromByteArray(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String toString() {
                return "SessionAttributeSerializer{" + serializer.getClass().getSimpleName() + ", "
                        + deserializer.getClass().getSimpleName() + '}';
            }
        };
    }
}
