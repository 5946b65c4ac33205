package dev.minoro.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.session.SaveMode;

/**
 * The {@code minoro.spring-session.*} properties of the Spring Session store that
 * {@link MinoroSessionAutoConfiguration} makes ({@code dev.minoro.spring.session.MinoroReactiveSessionRepository}).
 */
@ConfigurationProperties("minoro.spring-session")
public class MinoroSpringSessionProperties {
    /** Every property at its default, for Spring Boot to bind minoro.spring-session.* onto. */
    public MinoroSpringSessionProperties() {
    }

    /**
     * Whether WebFlux keeps its sessions in Minoro's database when spring-session-core is on the class path and the
     * application defines no ReactiveSessionRepository of its own.
     */
    private boolean enabled = true;

    /**
     * How long after its last access a new session expires (Spring Session's maxInactiveInterval); a negative
     * duration for never.
     */
    private Duration maxInactiveInterval = Duration.ofMinutes(30);

    /**
     * How far a session's last access must be past the stored one before it is written again (at most half the
     * session's max-inactive-interval); a session may end up to this long before its last access plus its
     * max-inactive-interval. Zero writes every access.
     */
    private Duration renewalInterval = Duration.ofMinutes(1);

    /**
     * Which attributes a save writes: those set or removed (on-set-attribute), those read too (on-get-attribute, for
     * values changed in place), or all of them (always).
     */
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

    /** {@return {@code minoro.spring-session.enabled}} */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets {@code minoro.spring-session.enabled}.
     *
     * @param enabled the value
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@return {@code minoro.spring-session.max-inactive-interval}} */
    public Duration getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    /**
     * Sets {@code minoro.spring-session.max-inactive-interval}.
     *
     * @param maxInactiveInterval the value
     */
    public void setMaxInactiveInterval(Duration maxInactiveInterval) {
        this.maxInactiveInterval = maxInactiveInterval;
    }

    /** {@return {@code minoro.spring-session.renewal-interval}} */
    public Duration getRenewalInterval() {
        return renewalInterval;
    }

    /**
     * Sets {@code minoro.spring-session.renewal-interval}.
     *
     * @param renewalInterval the value
     */
    public void setRenewalInterval(Duration renewalInterval) {
        this.renewalInterval = renewalInterval;
    }

    /** {@return {@code minoro.spring-session.save-mode}} */
    public SaveMode getSaveMode() {
        return saveMode;
    }

    /**
     * Sets {@code minoro.spring-session.save-mode}.
     *
     * @param saveMode the value
     */
    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = saveMode;
    }

    @Override
    public String toString() {
        return "MinoroSpringSessionProperties{enabled=" + enabled + ", maxInactiveInterval=" + maxInactiveInterval
                + ", renewalInterval=" + renewalInterval + ", saveMode=" + saveMode + '}';
    }
}
