package dev.minoro.testing;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** Wraps a real connection factory so that a test can watch or change the calls made on its connections. */
final class InterceptedConnections {

    /** Sees each call made on a connection, and answers it (usually by {@link Call#proceed()}). */
    @FunctionalInterface
    interface Interceptor {

        Object intercept(Call call) throws Throwable;
    }

    /** One call on a connection. */
    interface Call {

        Connection connection();

        Method method();

        Object[] arguments();

        /** Makes the call on the real connection. */
        Object proceed() throws Throwable;
    }

    private InterceptedConnections() {
    }

    /** {@code factory}, each of whose connections passes its calls through {@code interceptor}. */
    static ConnectionFactory wrap(ConnectionFactory factory, Interceptor interceptor) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(factory.create()).map(connection -> wrap(connection, interceptor));
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return factory.getMetadata();
            }
        };
    }

    private static Connection wrap(Connection connection, Interceptor interceptor) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> interceptor.intercept(new Call() {
                    @Override
                    public Connection connection() {
                        return connection;
                    }

                    @Override
                    public Method method() {
                        return method;
                    }

                    @Override
                    public Object[] arguments() {
                        return args == null ? new Object[0] : args;
                    }

                    @Override
                    public Object proceed() throws Throwable {
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                }));
    }
}
