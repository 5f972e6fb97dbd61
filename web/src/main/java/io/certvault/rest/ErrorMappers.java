package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every failure becomes an ARM error body with a stable code. What the client sent wrong is a 4xx;
 * only Certvault's own faults are 500, logged with a reference the client can quote.
 */
public final class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {
    }

    @Provider
    public static class Certvault implements ExceptionMapper<CertvaultException> {
        @Override
        public Response toResponse(CertvaultException e) {
            int status = ErrorBody.status(e.errorCode());
            if (status >= 500) {
                LOG.log(Level.WARNING, e.errorCode().code() + ": " + e.getMessage(), e.getCause());
            }
            return ErrorBody.response(status, e.errorCode().code(), e.getMessage());
        }
    }

    /** Bodies that are not JSON, or JSON of the wrong shape. */
    @Provider
    public static class UnreadableBody implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return unreadable();
        }
    }

    @Provider
    public static class UnreadableJson implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return unreadable();
        }
    }

    static Response unreadable() {
        return ErrorBody.response(400, "InvalidRequestContent",
                "The request body is missing, or not valid JSON of the expected shape.");
    }

    /** JAX-RS's own answers (unknown path, method not allowed, unsupported media type, ...). */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 400 && (e.getCause() instanceof JsonbException
                    || e.getCause() instanceof jakarta.ws.rs.core.NoContentException)) {
                return unreadable();
            }
            ErrorBody.Detail error = ErrorBody.ofStatus(status);
            Response response = ErrorBody.response(status, error.code(), error.message());
            e.getResponse().getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type")) {
                    values.forEach(value -> response.getHeaders().add(name, value));
                }
            });
            return response;
        }
    }

    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            ErrorBody.Detail error = unexpected(e);
            return ErrorBody.response(500, error.code(), error.message());
        }
    }

    /**
     * Logs a failure of Certvault's own (the cause may be null) under a fresh reference, and says so in
     * words that show nothing of the failure itself.
     */
    public static ErrorBody.Detail unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, e);
        return new ErrorBody.Detail("InternalServerError",
                "An unexpected error occurred; the server log has the details under reference " + reference + ".");
    }
}
