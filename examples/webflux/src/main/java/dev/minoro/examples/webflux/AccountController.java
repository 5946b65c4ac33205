package dev.minoro.examples.webflux;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.User;
import dev.minoro.spring.MinoroUserDetails;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The endpoints. Each returns Minoro's cold publishers composed, never blocked on: WebFlux subscribes
 * on its event loop, Minoro does its work on its own threads and the response is written when they emit.
 */
@RestController
class AccountController {

    private final Minoro minoro;

    AccountController(Minoro minoro) {
        this.minoro = minoro;
    }

    record SignUp(String email, String password, String displayName) {
    }

    record Account(UUID id, String email, String displayName) {
        static Account of(User user) {
            return new Account(user.id(), user.email(), user.displayName());
        }
    }

    record Me(UUID id, String email, String displayName, List<String> authorities) {
    }

    record Report(String title, long users) {
    }

    /** Anyone may sign up; the password is hashed with Argon2id on Minoro's hashing threads. */
    @PostMapping("/signup")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<Account> signUp(@RequestBody SignUp request) {
        return minoro.users().create(NewUser.of(request.email(), request.password())
                        .withDisplayName(request.displayName()))
                .map(Account::of);
    }

    /** The caller, as HTTP Basic authenticated them through Minoro. */
    @GetMapping("/me")
    Me me(@AuthenticationPrincipal MinoroUserDetails me) {
        return new Me(me.id(), me.email(), me.displayName(), me.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).collect(Collectors.toList()));
    }

    /** Role {@code admin} only: a page of users. */
    @GetMapping("/admin/users")
    Flux<Account> users(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        return minoro.users().findAll(offset, limit).map(Account::of);
    }

    /** Role {@code admin} only: lifts a lockout. */
    @PostMapping("/admin/users/{id}/unlock")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> unlock(@PathVariable UUID id) {
        return minoro.users().unlock(id);
    }

    /**
     * Role {@code admin} only: disables an account. Its sessions stop working at their next request (Minoro also
     * deletes them with the change).
     */
    @PostMapping("/admin/users/{id}/disable")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> disable(@PathVariable UUID id) {
        return minoro.users().setDisabled(id, true).then();
    }

    /** Permission {@code reports:read} only. */
    @GetMapping("/reports/users")
    Mono<Report> report() {
        return minoro.users().count().map(count -> new Report("registered users", count));
    }
}
