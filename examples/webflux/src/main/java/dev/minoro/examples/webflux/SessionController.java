package dev.minoro.examples.webflux;

import dev.minoro.Minoro;
import dev.minoro.spring.MinoroUserDetails;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Logging in to a session and out of it. The sessions are Spring Sessions stored by Minoro (its Spring Boot
 * auto-configuration, with spring-session-core on the class path): only the SHA-256 of a session id is stored, and
 * each session is bound to the Minoro user it was made for.
 */
@RestController
class SessionController {

    private final Minoro minoro;
    private final ServerSecurityContextRepository securityContexts;

    SessionController(Minoro minoro, ServerSecurityContextRepository securityContexts) {
        this.minoro = minoro;
        this.securityContexts = securityContexts;
    }

    record SignedOut(long sessions) {
    }

    /**
     * Authenticated by HTTP Basic (through Minoro): keeps the security context in a session, under a new session id
     * (saving changes it, against session fixation), which the response carries in {@code X-Auth-Token}.
     */
    @PostMapping("/login")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> login(Authentication authentication, ServerWebExchange exchange) {
        return securityContexts.save(exchange, new SecurityContextImpl(authentication));
    }

    /** Ends this session: its row and attributes are deleted. */
    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> logout(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(WebSession::invalidate);
    }

    /**
     * Ends every session of the caller, on every device: Minoro's sessions and the Spring Sessions bound to the
     * user, in one statement.
     */
    @PostMapping("/sessions/sign-out-everywhere")
    Mono<SignedOut> signOutEverywhere(@AuthenticationPrincipal MinoroUserDetails me) {
        return minoro.sessions().revokeAll(me.id()).map(SignedOut::new);
    }
}
