package io.certvault.rest;

import io.certvault.domain.ErrorCode;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/** The ARM error shape: {@code {"error": {"code": "...", "message": "..."}}}. */
public record ErrorBody(Detail error) {

    public record Detail(String code, String message) {
    }

    public static Response response(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(new Detail(code, message))).build();
    }

    /**
     * The same body written straight to the servlet response, for answers given before or outside JAX-RS
     * (sign-in refusals, errors the container handles).
     */
    public static void write(HttpServletResponse response, int status, Detail error) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                .add("code", error.code()).add("message", error.message())).build().toString());
        response.flushBuffer();
    }

    /** An HTTP status without a code of Certvault's (unknown path, method not allowed, ...), in words. */
    public static Detail ofStatus(int status) {
        if (status == 400) {
            // A request the server could not even read (a header such as Content-Type that says nothing): the
            // API's one code for what the client sent wrong.
            return new Detail(ErrorCode.INVALID_REQUEST.code(),
                    "The request could not be read: check its path, headers and body.");
        }
        var reason = Response.Status.fromStatusCode(status);
        String code = reason == null ? "HttpError" + status
                : reason.getReasonPhrase().replace(" ", "").replace("-", "");
        String message = status == 404 ? "There is no such resource."
                : reason == null ? "HTTP " + status : reason.getReasonPhrase() + ".";
        return new Detail(code, message);
    }

    public static int status(ErrorCode code) {
        return switch (code.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PRECONDITION_FAILED -> 412;
            case TOO_LARGE -> 413;
            case TOO_MANY_REQUESTS -> 429;
            case VAULT_REFUSED -> 502;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }
}
