package io.certvault.infrastructure.security;

import io.certvault.application.SignInService;
import io.certvault.domain.ErrorCode;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.rest.ErrorBody;
import io.certvault.security.Caller;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Certvault's one authentication mechanism (Jakarta Security allows one per application): the API takes
 * HTTP Basic (built-in users) or a bearer token (MicroProfile JWT from an identity provider); the pages
 * take a form sign-in kept in the HTTP session. Only the sign-in page, static resources and the health
 * probes are open, and the AS2 endpoint for partners. (Deployed at the root context, as the distribution does, Payara's /health, /openapi
 * and /metrics pass through this mechanism too: health stays open, the other two are guarded like the API.)
 * The caller found here, with the roles it holds, is handed to the application services as a request
 * attribute (see {@link RequestCaller}).
 */
@ApplicationScoped
public class CertvaultAuthentication implements HttpAuthenticationMechanism {
    static final String CALLER_ATTRIBUTE = Caller.class.getName();
    private static final String SESSION_USER = "certvault.user";
    private static final String SESSION_SINCE = "certvault.signed-in";
    private static final String SESSION_RETURN_TO = "certvault.return-to";
    public static final String LOGIN_PAGE = "/login.xhtml";
    private static final String CHALLENGE = "Basic realm=\"Certvault\", Bearer realm=\"Certvault\"";

    @Inject
    SignInService signIn;
    @Inject
    CertvaultConfig config;

    private Optional<JwtVerifier> tokens;
    private String as2Path;

    @PostConstruct
    void configure() {
        tokens = JwtVerifier.configured(config::get);
        as2Path = io.certvault.infrastructure.as2.As2Endpoint.prefix(config);
    }

    /**
     * How the API signs callers in, for the start-up log. Asked at start, so that a bad token setting
     * stops the deployment with its message instead of failing the first request.
     */
    public String description() {
        return "HTTP Basic" + (tokens.isPresent() ? " and bearer tokens from issuer "
                + config.get(JwtVerifier.ISSUER).orElseThrow() : " (no bearer tokens: mp.jwt.verify.issuer unset)");
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        // The path as the container mapped it (decoded, dot segments resolved), not the raw URI: a
        // "/resources/css/../../accounts.xhtml" must not pass for a stylesheet.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        // The raw path decides too: an API request whose escapes map it outside /api is still an API request.
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        SecurityHeaders.apply(request, response);
        try {
            if (under(path, "/api") || under(raw, "/api") || under(path, "/openapi") || under(path, "/metrics")) {
                AuthenticationStatus status = api(request, response, context);
                if (status == AuthenticationStatus.SUCCESS && under(raw, "/api") && !plainApiPath(raw, path)) {
                    return refuse(response, context, 400, ErrorCode.INVALID_REQUEST, "The request path has "
                            + "an encoded slash, backslash or NUL, a dot segment or a bad escape: name resources "
                            + "with their plain names.");
                }
                return status;
            }
            if (under(path, as2Path) && under(raw, as2Path)) {
                // Partners post AS2 messages without a user: their agreement, not a sign-in, says what they may.
                return context.doNothing();
            }
            if (under(path, "/health")) {
                // Load balancers and orchestrators probe here without credentials; it tells UP or DOWN only.
                return context.doNothing();
            }
            if (path.equals("/login") && "POST".equals(request.getMethod())) {
                return formSignIn(request, response, context);
            }
            if (path.equals("/logout")) {
                return signOut(request, response, context);
            }
            if (open(path)) {
                return context.doNothing();
            }
            return page(request, response, context, path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Escapes that change a path's structure once decoded, dot segments (plain or escaped), bad escapes. */
    private static final java.util.regex.Pattern UNPLAIN_PATH = java.util.regex.Pattern.compile(
            "(?i).*(%2f|%5c|%00|\\\\|%(?![0-9a-f]{2})|(^|/)(\\.|%2e){1,2}(/|$)).*");

    /**
     * Whether an API path says what it means: nothing a decoder or normaliser would turn into another path,
     * and the container mapped it where it reads (under /api).
     */
    private static boolean plainApiPath(String raw, String mapped) {
        return under(mapped, "/api") && !UNPLAIN_PATH.matcher(raw).matches();
    }

    /** The path itself or anything below it. */
    private static boolean under(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }

    /** The sign-in page, and what it needs: its stylesheet and the icon browsers ask for on every site. */
    private static boolean open(String path) {
        return path.equals(LOGIN_PAGE) || path.startsWith("/jakarta.faces.resource/")
                || path.startsWith("/resources/css/") || path.equals("/favicon.ico");
    }

    /**
     * A page a person asked for, to return to after sign-in: a GET of the home page or of one of the WAR's
     * Faces pages. Not a resource the browser fetched by itself (an icon, a script) nor a page that does not
     * exist: returning there would end the sign-in on an error.
     */
    private static boolean isPage(HttpServletRequest request, String path) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        if (path.equals("/")) {
            return true;
        }
        try {
            return path.endsWith(".xhtml") && !path.startsWith("/WEB-INF/")
                    && request.getServletContext().getResource(path) != null;
        } catch (MalformedURLException e) {
            return false;
        }
    }

    private AuthenticationStatus api(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            char[] credentials = basicCredentials(authorization.substring(6).trim());
            try {
                int colon = indexOf(credentials, ':');
                if (colon > 0) {
                    String name = new String(credentials, 0, colon);
                    char[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
                    try {
                        SignInService.Result result = signIn.signIn(name, password, request.getRemoteAddr());
                        if (result.outcome() == SignInService.Outcome.SIGNED_IN) {
                            return signedIn(request, context, name, result.grants());
                        }
                        if (result.outcome() == SignInService.Outcome.LOCKED) {
                            return locked(response, context, result.lockedUntil());
                        }
                    } finally {
                        Arrays.fill(password, '\0');
                    }
                }
            } finally {
                Arrays.fill(credentials, '\0');
            }
        } else if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            var token = tokens.flatMap(t -> t.verify(authorization.substring(7).trim()));
            if (token.isPresent()) {
                List<Grant> grants = new ArrayList<>(signIn.grants(token.get().name()));
                // Token groups naming Certvault roles hold everywhere, as the identity provider says.
                token.get().groups().stream().map(Role::find).filter(java.util.Objects::nonNull)
                        .forEach(role -> grants.add(new Grant(role, Scope.GLOBAL)));
                return signedIn(request, context, token.get().name(), grants);
            }
        }
        // One answer for no, wrong or unknown credentials and for a bad token: nothing to probe.
        return refuse(response, context, 401, ErrorCode.AUTHENTICATION_FAILED,
                "Sign in: HTTP Basic with a Certvault user, or a bearer token from the configured issuer.");
    }

    private AuthenticationStatus signedIn(HttpServletRequest request, HttpMessageContext context, String name,
            List<Grant> grants) {
        Caller caller = new Caller(name, grants, request.getRemoteAddr());
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return context.notifyContainerAboutLogin(name, Set.copyOf(grants.stream().map(g -> g.role().roleName())
                .toList()));
    }

    private static AuthenticationStatus locked(HttpServletResponse response, HttpMessageContext context,
            Instant until) throws IOException {
        long seconds = Math.max(1, Duration.between(Instant.now(), until).toSeconds() + 1);
        response.setHeader("Retry-After", Long.toString(seconds));
        return refuse(response, context, 429, ErrorCode.SIGN_IN_LOCKED,
                "Too many failed sign-ins: try again in " + seconds + " seconds.");
    }

    private static AuthenticationStatus refuse(HttpServletResponse response, HttpMessageContext context, int status,
            ErrorCode code, String message) throws IOException {
        if (status == 401) {
            response.setHeader("WWW-Authenticate", CHALLENGE);
        }
        ErrorBody.write(response, status, new ErrorBody.Detail(code.code(), message));
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** The form posts user name and password here; success goes back to the page first asked for. */
    private AuthenticationStatus formSignIn(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) throws IOException {
        String name = request.getParameter("username");
        String password = request.getParameter("password");
        String base = request.getContextPath();
        if (name == null || password == null) {
            return redirect(response, context, base + LOGIN_PAGE + "?failed");
        }
        char[] secret = password.toCharArray();
        SignInService.Result result;
        try {
            result = signIn.signIn(name, secret, request.getRemoteAddr());
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (result.outcome() == SignInService.Outcome.LOCKED) {
            return redirect(response, context, base + LOGIN_PAGE + "?locked");
        }
        if (result.outcome() != SignInService.Outcome.SIGNED_IN) {
            return redirect(response, context, base + LOGIN_PAGE + "?failed");
        }
        HttpSession old = request.getSession(false);
        String returnTo = old == null ? null : (String) old.getAttribute(SESSION_RETURN_TO);
        if (old != null) {
            // A new session id at sign-in: a session id planted before cannot ride along.
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(SESSION_USER, name);
        session.setAttribute(SESSION_SINCE, Instant.now());
        return redirect(response, context, base + (returnTo != null ? returnTo : "/"));
    }

    private static AuthenticationStatus signOut(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) throws IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        return redirect(response, context, request.getContextPath() + LOGIN_PAGE + "?signedOut");
    }

    private AuthenticationStatus page(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context, String path) throws IOException {
        HttpSession session = request.getSession(false);
        String name = session == null ? null : (String) session.getAttribute(SESSION_USER);
        Instant since = session == null ? null : (Instant) session.getAttribute(SESSION_SINCE);
        Optional<List<Grant>> grants = name == null ? Optional.empty() : signIn.session(name, since);
        if (grants.isPresent()) {
            return signedIn(request, context, name, grants.get());
        }
        if (session != null && name != null) {
            // Password changed or user deleted since: sign in again.
            session.invalidate();
            session = null;
        }
        if (isPage(request, path)) {
            String query = request.getQueryString();
            String returnTo = path + (query == null ? "" : "?" + query);
            // Only a path of this application: never an open redirect.
            if (returnTo.startsWith("/") && !returnTo.startsWith("//")) {
                request.getSession(true).setAttribute(SESSION_RETURN_TO, returnTo);
            }
        }
        return redirect(response, context, request.getContextPath() + LOGIN_PAGE);
    }

    private static AuthenticationStatus redirect(HttpServletResponse response, HttpMessageContext context,
            String location) throws IOException {
        response.sendRedirect(location);
        return AuthenticationStatus.SEND_CONTINUE;
    }

    private static char[] basicCredentials(String base64) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new char[0];
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(decoded));
            char[] result = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return result;
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private static int indexOf(char[] chars, char c) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
