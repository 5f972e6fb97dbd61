package io.certvault.rest;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Holds every request body to its Content-Length. A body that ends before it, or whose read fails (the client
 * stopped sending and the server's read timed out, or the connection broke), is the client's fault: 400
 * {@code InvalidRequestContent}, raised from the read itself, wherever the body is read (a JSON reader, the
 * message decoder), instead of an I/O error that would answer 500. Plain Jakarta REST: it works on any server.
 */
@Provider
@PreMatching
@Priority(Priorities.USER - 1) // before RequestSizeLimit, which reads JSON bodies through it
public class RequestBody implements ContainerRequestFilter {

    /** The request property holding the declared length as a long ({@code -1} when none was declared). */
    static final String DECLARED_LENGTH = RequestBody.class.getName() + ".declaredLength";

    @Override
    public void filter(ContainerRequestContext request) {
        long declared;
        try {
            declared = declaredLength(request.getHeaderString("Content-Length"));
        } catch (CertvaultException e) {
            request.abortWith(ErrorBody.response(400, e.errorCode().code(), e.getMessage()));
            return;
        }
        request.setProperty(DECLARED_LENGTH, declared);
        if (request.hasEntity()) {
            request.setEntityStream(new Held(request.getEntityStream(), declared));
        }
    }

    /**
     * The Content-Length as a long: JAX-RS's {@code getLength()} is an int and fails on a length over 2 GiB,
     * which is a size to refuse (413 for JSON) or to stream (messages), not an unreadable request.
     */
    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(header.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                "The Content-Length header is not a number of bytes.");
    }

    /** The body's stream; {@code declared} is -1 for a body without a Content-Length (chunked). */
    static final class Held extends FilterInputStream {
        private final long declared;
        private long received;

        Held(InputStream in, long declared) {
            super(in);
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                throw stopped(e);
            }
            return counted(b == -1 ? -1 : 1) == -1 ? -1 : b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                return counted(in.read(bytes, offset, length));
            } catch (IOException e) {
                throw stopped(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                long skipped = in.skip(n);
                received += skipped;
                return skipped;
            } catch (IOException e) {
                throw stopped(e);
            }
        }

        /** A reset would count bytes twice; whoever needs to look ahead buffers the stream itself. */
        @Override
        public boolean markSupported() {
            return false;
        }

        private int counted(int count) {
            if (count == -1 && declared > 0 && received < declared) {
                throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The request body ended after " + received
                        + " of the " + declared + " bytes its Content-Length declares.");
            }
            if (count > 0) {
                received += count;
            }
            return count;
        }

        private CertvaultException stopped(IOException e) {
            return new CertvaultException(ErrorCode.INVALID_REQUEST, "The request body could not be read to its end"
                    + (declared > 0 ? " (" + received + " of " + declared + " bytes arrived)" : "")
                    + ": the client stopped sending it, or the connection broke.", e);
        }
    }
}
