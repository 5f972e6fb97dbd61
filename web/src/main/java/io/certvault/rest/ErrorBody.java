package io.certvault.rest;

import io.certvault.domain.ErrorCode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The ARM error shape: {@code {"error": {"code": "...", "message": "..."}}}. */
public record ErrorBody(Detail error) {

    public record Detail(String code, String message) {
    }

    public static Response response(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(new Detail(code, message))).build();
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
