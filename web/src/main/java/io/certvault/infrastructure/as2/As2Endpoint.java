package io.certvault.infrastructure.as2;

import io.certvault.application.As2TransportService;
import io.certvault.domain.CertvaultException;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The AS2 endpoint partners post to, without a user sign-in: {@code POST <prefix>/{account}} for messages and
 * {@code POST <prefix>/{account}/mdn} for asynchronous MDNs. The prefix is {@code certvault.as2.path} (default
 * {@code /as2}); a servlet rather than a JAX-RS resource, so that it sits outside the API and its sign-in, and
 * reads the partner's headers and body as they came.
 */
public class As2Endpoint extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(As2Endpoint.class.getName());
    public static final String PATH = "certvault.as2.path";
    private static final Pattern PREFIX = Pattern.compile("(/[a-z0-9][a-z0-9-]*)+");
    private static final Pattern TARGET = Pattern.compile("/([^/]{1,80})(/mdn)?");

    @Inject
    As2TransportService transport;
    @Inject
    As2Outbox outbox;

    /** The configured prefix, checked: lower-case segments, not a path the rest of Certvault uses. */
    public static String prefix(CertvaultConfig config) {
        String prefix = config.get(PATH).map(String::trim).orElse("/as2");
        if (!PREFIX.matcher(prefix).matches() || prefix.equals("/api") || prefix.startsWith("/api/")
                || prefix.equals("/health") || prefix.startsWith("/health/") || prefix.equals("/resources")
                || prefix.startsWith("/resources/") || prefix.equals("/login") || prefix.equals("/logout")) {
            throw new IllegalStateException(PATH + " must be a path of lower-case segments (like /as2) that is not "
                    + "one of Certvault's own (/api, /health, /resources, /login, /logout): it is '" + prefix + "'.");
        }
        return prefix;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var target = TARGET.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!target.matches()) {
            text(response, 404, "Post AS2 messages to <prefix>/{account} and asynchronous MDNs to "
                    + "<prefix>/{account}/mdn.");
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, String.join(", ", Collections.list(request.getHeaders(name))));
        }
        String account = target.group(1);
        try (InputStream body = request.getInputStream()) {
            As2TransportService.Answer answer = target.group(2) == null
                    ? transport.receive(account, headers, body, request.getRemoteAddr())
                    : transport.receiveMdn(account, headers, body, request.getRemoteAddr());
            response.setStatus(answer.status());
            answer.headers().forEach(response::setHeader);
            response.setContentLength(answer.body().length);
            response.getOutputStream().write(answer.body());
            if (answer.queued()) {
                // An asynchronous MDN: sent now rather than at the next poll.
                outbox.wake();
            }
        } catch (CertvaultException e) {
            // What the partner sent (headers, a body that is not what it says) or a vault that cannot answer now.
            text(response, status(e), e.errorCode().code() + ": " + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.FINE, "An AS2 message could not be read from " + request.getRemoteAddr(), e);
            text(response, 400, "The message could not be read: " + e.getMessage());
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "POST");
        text(response, 405, "This is an AS2 endpoint: POST AS2 messages here (RFC 4130).");
    }

    private static int status(CertvaultException e) {
        return switch (e.errorCode().kind()) {
            case INVALID -> 400;
            case NOT_FOUND, FORBIDDEN, UNAUTHENTICATED -> 403;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case TOO_MANY_REQUESTS -> 429;
            default -> 503;
        };
    }

    private static void text(HttpServletResponse response, int status, String text) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(text);
    }

    /** Maps the endpoint at the configured prefix when the application starts. */
    @WebListener
    public static class Registration implements ServletContextListener {
        @Inject
        CertvaultConfig config;

        @Override
        public void contextInitialized(ServletContextEvent event) {
            String prefix = prefix(config);
            var servlet = event.getServletContext().addServlet("as2", As2Endpoint.class);
            servlet.addMapping(prefix + "/*");
            servlet.setAsyncSupported(false);
            LOG.info(() -> "AS2 endpoint at " + event.getServletContext().getContextPath() + prefix + "/{account}");
        }
    }
}
