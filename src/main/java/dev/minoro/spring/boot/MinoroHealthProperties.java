package dev.minoro.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code management.health.minoro.*} properties of {@link MinoroHealthIndicator}. */
@ConfigurationProperties("management.health.minoro")
public class MinoroHealthProperties {
    /** Every property at its default, for Spring Boot to bind management.health.minoro.* onto. */
    public MinoroHealthProperties() {
    }


    /**
     * How long one health check may take, the database query and the schema check together; past it the check
     * reports DOWN and its queries are cancelled.
     */
    private Duration timeout = Duration.ofSeconds(10);

    /** {@return {@code management.health.minoro.timeout}} */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * Sets {@code management.health.minoro.timeout}.
     *
     * @param timeout the value
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String toString() {
        return "MinoroHealthProperties{timeout=" + timeout + '}';
    }
}
