package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
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

    /** The mappers that see a change refused before its service: they put the refusal on record. */
    abstract static class Recording {
        @Context
        ResourceInfo resource;
        @Context
        UriInfo uri;

        Response refused(int status, String code, String message) {
            if (status >= 400 && status < 500) {
                try {
                    AuditedChange.Refusals.record(resource, uri, code);
                } catch (CertvaultException e) {
                    // The client's request was refused either way; the trail's trouble is the operator's.
                    LOG.log(Level.WARNING, "A refused change could not be recorded: " + e.getMessage());
                }
            }
            return ErrorBody.response(status, code, message);
        }
    }

    @Provider
    public static class Certvault extends Recording implements ExceptionMapper<CertvaultException> {
        @Override
        public Response toResponse(CertvaultException e) {
            int status = ErrorBody.status(e.errorCode());
            if (status >= 500) {
                LOG.log(Level.WARNING, e.errorCode().code() + ": " + e.getMessage(), e.getCause());
            }
            if (e.isRecorded()) {
                return ErrorBody.response(status, e.errorCode().code(), e.getMessage());
            }
            return refused(status, e.errorCode().code(), e.getMessage());
        }
    }

    /** Bodies that are not JSON, or JSON of the wrong shape. */
    @Provider
    public static class UnreadableBody extends Recording implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return unreadable(this);
        }
    }

    @Provider
    public static class UnreadableJson extends Recording implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            if (e instanceof JsonBodies.WrongShape) {
                return refused(400, "InvalidRequestContent", e.getMessage());
            }
            return unreadable(this);
        }
    }

    static Response unreadable(Recording mapper) {
        return mapper.refused(400, "InvalidRequestContent",
                "The request body is missing, or not valid JSON of the expected shape.");
    }

    /** JAX-RS's own answers (unknown path, method not allowed, unsupported media type, ...). */
    @Provider
    public static class Web extends Recording implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 400 && e.getCause() instanceof JsonBodies.WrongShape shape) {
                return refused(400, "InvalidRequestContent", shape.getMessage());
            }
            if (status == 400 && (e.getCause() instanceof JsonbException
                    || e.getCause() instanceof jakarta.ws.rs.core.NoContentException)) {
                return unreadable(this);
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
