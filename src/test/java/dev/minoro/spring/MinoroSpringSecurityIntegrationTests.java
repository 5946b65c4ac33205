package dev.minoro.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import dev.minoro.PasswordExpiredException;
import dev.minoro.User;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import reactor.test.StepVerifier;

/** The Spring Security adapter against a real SQLite database. */
final class MinoroSpringSecurityIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Minoro minoro;
    private MinoroReactiveAuthenticationManager manager;
    private MinoroReactiveUserDetailsService userDetails;

    @BeforeEach
    void boot() {
        minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "spring.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
        manager = MinoroReactiveAuthenticationManager.of(minoro);
        userDetails = MinoroReactiveUserDetailsService.of(minoro);
        minoro.roles().create("editor", null).block(TIMEOUT);
        minoro.roles().grantPermission("editor", "posts:write").block(TIMEOUT);
        minoro.roles().grantPermission("editor", "posts:read").block(TIMEOUT);
        minoro.roles().create("Reader", null).block(TIMEOUT);
        minoro.roles().grantPermission("Reader", "posts:read").block(TIMEOUT);
    }

    @AfterEach
    void close() {
        minoro.close().block(TIMEOUT);
    }

    private User user(String email, String... roles) {
        User user = minoro.users().create(NewUser.of(email, TestConfigs.PASSWORD).withDisplayName("Someone"))
                .block(TIMEOUT);
        for (String role : roles) {
            minoro.roles().assign(user.id(), role).block(TIMEOUT);
        }
        return user;
    }

    private static UsernamePasswordAuthenticationToken login(String email, Object password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(email, password);
    }

    private static List<String> names(Authentication authentication) {
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .collect(Collectors.toList());
    }

    @Test
    void aRightPasswordGivesAnAuthenticatedTokenWithRolesAndPermissions() {
        User amy = user("amy@example.com", "editor", "Reader");
        UsernamePasswordAuthenticationToken request = login("AMY@example.com", TestConfigs.PASSWORD);
        request.setDetails("remote address");
        manager.authenticate(request).as(StepVerifier::create)
                .assertNext(result -> {
                    assertTrue(result.isAuthenticated());
                    assertNull(result.getCredentials(), "the token must not keep the password");
                    assertEquals("remote address", result.getDetails());
                    assertEquals("amy@example.com", result.getName());
                    assertEquals(List.of("ROLE_editor", "ROLE_Reader", "posts:read", "posts:write"), names(result));
                    MinoroUserDetails principal = assertInstanceOf(MinoroUserDetails.class, result.getPrincipal());
                    assertEquals(amy.id(), principal.id());
                    assertEquals("Someone", principal.displayName());
                    assertNull(principal.getPassword());
                    assertTrue(principal.isEnabled());
                })
                .verifyComplete();
        assertEquals(minoro.users().findById(amy.id()).block(TIMEOUT).lastLoginAt(),
                MutableClock.atFixedStart().instant(), "Minoro.authenticate recorded the login");
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailAreTheSameBadCredentials() {
        user("ben@example.com");
        for (UsernamePasswordAuthenticationToken request : List.of(login("ben@example.com", "wrong password!"),
                login("nobody@example.com", TestConfigs.PASSWORD), login("not an email", TestConfigs.PASSWORD))) {
            manager.authenticate(request).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(BadCredentialsException.class, e);
                        assertEquals("invalid email or password", e.getMessage());
                        assertInstanceOf(InvalidCredentialsException.class, e.getCause());
                    })
                    .verify(TIMEOUT);
        }
    }

    @Test
    void aMissingPasswordIsBadCredentials() {
        user("bo@example.com");
        manager.authenticate(login("bo@example.com", null)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(BadCredentialsException.class, e);
                    assertEquals("a password is required", e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightPassword() {
        user("dee@example.com");
        for (int i = 1; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            manager.authenticate(login("dee@example.com", "wrong password " + i)).as(StepVerifier::create)
                    .expectError(BadCredentialsException.class).verify(TIMEOUT);
        }
        manager.authenticate(login("dee@example.com", "wrong password again")).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(LockedException.class, e);
                    assertInstanceOf(AccountLockedException.class, e.getCause());
                })
                .verify(TIMEOUT);
        manager.authenticate(login("dee@example.com", TestConfigs.PASSWORD)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(LockedException.class, e);
                    assertTrue(e.getMessage().startsWith("this account is locked after too many failed logins"),
                            e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    void theUserDetailsOfALockedAccountSayItIsLocked() {
        user("lee@example.com");
        for (int i = 0; i < TestConfigs.MAX_FAILED_LOGINS; i++) {
            manager.authenticate(login("lee@example.com", "wrong password " + i))
                    .onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(TIMEOUT);
        }
        userDetails.findByUsername("lee@example.com").as(StepVerifier::create)
                .assertNext(details -> assertFalse(details.isAccountNonLocked()))
                .verifyComplete();
    }

    @Test
    void aDisabledAccountIsDisabledException() {
        User cat = user("cat@example.com");
        minoro.users().setDisabled(cat.id(), true).block(TIMEOUT);
        manager.authenticate(login("cat@example.com", TestConfigs.PASSWORD)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(DisabledException.class, e);
                    assertInstanceOf(AccountDisabledException.class, e.getCause());
                })
                .verify(TIMEOUT);
    }

    @Test
    void anExpiredPasswordIsCredentialsExpiredException() {
        MutableClock clock = MutableClock.atFixedStart();
        Minoro expiring = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "expiring.db"), clock)
                .toBuilder().passwordMaxAge(Duration.ofDays(30)).build()).block(TIMEOUT);
        try {
            expiring.users().create(NewUser.of("old@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            clock.advance(Duration.ofDays(30));
            MinoroReactiveAuthenticationManager.of(expiring).authenticate(login("old@example.com", TestConfigs.PASSWORD))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(CredentialsExpiredException.class, e);
                        assertInstanceOf(PasswordExpiredException.class, e.getCause());
                    })
                    .verify(TIMEOUT);
        } finally {
            expiring.close().block(TIMEOUT);
        }
    }

    @Test
    void whenMinoroCannotAnswerItIsAServiceFailureNotARefusedLogin() {
        user("eve@example.com");
        minoro.close().block(TIMEOUT);
        manager.authenticate(login("eve@example.com", TestConfigs.PASSWORD)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(AuthenticationServiceException.class, e);
                    assertInstanceOf(MinoroException.class, e.getCause());
                })
                .verify(TIMEOUT);
    }

    @Test
    void otherKindsOfAuthenticationAreLeftToOtherManagers() {
        manager.authenticate(new TestingAuthenticationToken("amy@example.com", "x")).as(StepVerifier::create)
                .verifyComplete();
    }

    @Test
    void theRolePrefixCanBeChanged() {
        user("fay@example.com", "editor");
        manager.withRolePrefix("").authenticate(login("fay@example.com", TestConfigs.PASSWORD))
                .as(StepVerifier::create)
                .assertNext(result -> assertEquals(List.of("editor", "posts:read", "posts:write"), names(result)))
                .verifyComplete();
    }

    @Test
    void theUserDetailsServiceFindsUsersByEmailWithTheirAuthorities() {
        User gus = user("gus@example.com", "Reader");
        userDetails.findByUsername("Gus@Example.com").as(StepVerifier::create)
                .assertNext(found -> {
                    MinoroUserDetails details = assertInstanceOf(MinoroUserDetails.class, found);
                    assertEquals(gus.id(), details.id());
                    assertEquals("gus@example.com", details.getUsername());
                    assertNull(details.getPassword(), "Minoro never hands out hashes");
                    assertEquals(List.of("ROLE_Reader", "posts:read"), details.getAuthorities().stream()
                            .map(GrantedAuthority::getAuthority).collect(Collectors.toList()));
                    assertTrue(details.isEnabled());
                    assertTrue(details.isAccountNonLocked());
                })
                .verifyComplete();
    }

    @Test
    void theUserDetailsServiceIsEmptyForUnknownOrMalformedEmails() {
        userDetails.findByUsername("nobody@example.com").as(StepVerifier::create).verifyComplete();
        userDetails.findByUsername("not an email").as(StepVerifier::create).verifyComplete();
    }

    @Test
    void aDisabledUserHasDisabledDetails() {
        User hal = user("hal@example.com");
        minoro.users().setDisabled(hal.id(), true).block(TIMEOUT);
        userDetails.findByUsername("hal@example.com").map(UserDetails::isEnabled).as(StepVerifier::create)
                .assertNext(enabled -> assertFalse(enabled))
                .verifyComplete();
    }
}
