package io.certvault.ui;

import io.certvault.rest.ErrorBody;
import io.certvault.rest.ErrorMappers;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where the container sends every error (web.xml): under /api the API's JSON error, elsewhere Certvault's
 * error page in its layout. Never the server's own error page, which names the server and can show a
 * stack trace. Mapped under WEB-INF, so only the container's error dispatch reaches it: the error page
 * adds no way in, and shows only what the request that failed could reach anyway.
 */
@WebServlet(ErrorPages.PATH)
public class ErrorPages extends HttpServlet {
    static final String PATH = "/WEB-INF/error";
    private static final String PAGE = "/WEB-INF/errors/error.xhtml";
    /** The request attribute the error page shows. */
    static final String ERROR = "certvault.error";

    /** What the error page says: a heading and a sentence a person can act on. */
    public record PageError(int status, String title, String message) {
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = failure != null ? 500 : code instanceof Integer number ? number : 404;
        ErrorBody.Detail error = status >= 500 ? ErrorMappers.unexpected(failure) : ErrorBody.ofStatus(status);
        String uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "" : uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        if (path.equals("/api") || path.startsWith("/api/")) {
            ErrorBody.write(response, status, error);
            return;
        }
        response.setStatus(status);
        request.setAttribute(ERROR, page(status, error));
        request.getRequestDispatcher(PAGE).forward(request, response);
    }

    private static PageError page(int status, ErrorBody.Detail error) {
        return switch (status) {
            case 404 -> new PageError(status, "Page not found",
                    "There is no page at this address: start again from the integration accounts.");
            case 401, 403 -> new PageError(status, "Not allowed", "Certvault does not allow this request.");
            case 405 -> new PageError(status, "Not allowed here", "This address does not take that kind of request.");
            default -> status >= 500 ? new PageError(status, "Something went wrong", error.message())
                    : new PageError(status, "The request could not be answered", error.message());
        };
    }
}
