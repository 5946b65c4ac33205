/**
 * Spring Boot 4 auto-configuration of Minoro, usable when spring-boot-autoconfigure is on the class path: a
 * {@code Minoro} bean from the {@code minoro.*} properties, Spring Security's reactive beans backed by it, and an
 * actuator health indicator.
 */
@NullMarked
package dev.minoro.spring.boot;

import org.jspecify.annotations.NullMarked;
