package io.certvault.rest;

import io.certvault.application.Precondition;
import io.certvault.domain.Versioned;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Conditional requests on versioned resources: every GET and PUT answer carries the resource's {@code ETag};
 * {@code If-Match} and {@code If-None-Match} on PUT and DELETE become the use case's precondition, and a GET
 * whose {@code If-None-Match} names the current version answers {@code 304}.
 */
final class Conditional {

    private Conditional() {
    }

    /** The request's precondition ({@code If-Match}, {@code If-None-Match}); none when it has neither. */
    static Precondition precondition(HttpHeaders headers) {
        return new Precondition(headers.getHeaderString(HttpHeaders.IF_MATCH),
                headers.getHeaderString(HttpHeaders.IF_NONE_MATCH));
    }

    /** 200 with the body and its ETag, or 304 when the client has this version already. */
    static Response read(HttpHeaders headers, Versioned resource, Object body) {
        String etag = Precondition.etag(resource);
        if (new Precondition(null, headers.getHeaderString(HttpHeaders.IF_NONE_MATCH)).notModified(resource)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        return Response.ok(body).header(HttpHeaders.ETAG, etag).build();
    }

    /** 201 for a new resource, 200 for a changed one, with its new ETag. */
    static Response written(boolean created, Versioned resource, Object body) {
        return Response.status(created ? 201 : 200).entity(body).header(HttpHeaders.ETAG, Precondition.etag(resource))
                .build();
    }
}
