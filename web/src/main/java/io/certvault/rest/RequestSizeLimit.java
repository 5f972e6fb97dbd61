package io.certvault.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * JSON request bodies may be at most 1 MiB: larger ones are refused with 413 before anything is parsed,
 * whether or not the client declared their length. Message bodies stream and have no limit.
 */
@Provider
@PreMatching
public class RequestSizeLimit implements ContainerRequestFilter {
    public static final int MAX_BYTES = 1024 * 1024;
    /** Message bodies stream, whatever their type (a JSON payload included). */
    private static final java.util.regex.Pattern MESSAGES =
            java.util.regex.Pattern.compile("/?integrationAccounts/[^/]+/messages/.*");
    /**
     * How much of a refused body is still read and dropped, so that a client that sends before it reads
     * (as most do) receives the 413 instead of a broken connection. Beyond this the connection may break.
     */
    private static final long DRAIN_BYTES = 16L * 1024 * 1024;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (IllegalArgumentException | jakarta.ws.rs.ProcessingException e) {
            // Checked here, first, so that no later reader of the header fails with an answer of its own.
            request.abortWith(ErrorBody.response(400, "InvalidRequestContent",
                    "The Content-Type header is not a media type (type/subtype)."));
            return;
        }
        if (!request.hasEntity() || (type != null && !type.getSubtype().endsWith("json"))
                || MESSAGES.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        InputStream in = request.getEntityStream();
        Object declared = request.getProperty(RequestBody.DECLARED_LENGTH);
        if (declared instanceof Long length && length > MAX_BYTES) {
            if (length > DRAIN_BYTES) {
                // Not worth reading: answer now and close, rather than wait for gigabytes that will be dropped.
                request.abortWith(jakarta.ws.rs.core.Response.fromResponse(tooLarge())
                        .header("Connection", "close").build());
                return;
            }
            refuse(request, in);
            return;
        }
        byte[] body = in.readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
            refuse(request, in);
            return;
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    private static void refuse(ContainerRequestContext request, InputStream in) throws IOException {
        long dropped = 0;
        long skipped;
        while (dropped < DRAIN_BYTES && (skipped = in.skip(DRAIN_BYTES - dropped)) > 0) {
            dropped += skipped;
        }
        request.abortWith(tooLarge());
    }

    private static jakarta.ws.rs.core.Response tooLarge() {
        return ErrorBody.response(413, "RequestTooLarge", "The request body is larger than 1 MiB.");
    }
}
