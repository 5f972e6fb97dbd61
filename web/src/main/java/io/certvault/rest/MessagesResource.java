package io.certvault.rest;

import io.certvault.application.MessageSecurityService;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.messaging.SmimeDecoder;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;

/**
 * Message security with the account's certificates. Bodies stream in and out: encode takes the payload
 * and answers the S/MIME body; decode takes an S/MIME body as received and answers the payload. The MIME
 * Content-Type travels as the HTTP Content-Type both ways.
 */
@Path("integrationAccounts/{account}/messages")
@Consumes("*/*")
public class MessagesResource {
    static final String MIC = "X-Certvault-MIC";

    @Inject
    MessageSecurityService messages;
    @PathParam("account")
    String account;

    /**
     * Signs, encrypts and/or compresses the payload. Parameters use Azure's AS2 names and values; the answer
     * carries the AS2 MIC of what was signed.
     */
    @POST
    @Path("encode")
    public Response encode(@HeaderParam("Content-Type") String contentType,
            @QueryParam("signingCertificateName") String signingCertificateName,
            @QueryParam("signingAlgorithm") String signingAlgorithm,
            @QueryParam("encryptionCertificateName") String encryptionCertificateName,
            @QueryParam("encryptionAlgorithm") String encryptionAlgorithm,
            @QueryParam("compressMessage") String compressMessage, InputStream payload) throws IOException {
        boolean compress = "true".equalsIgnoreCase(compressMessage);
        if (compressMessage != null && !compress && !"false".equalsIgnoreCase(compressMessage)) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "compressMessage must be true or false.");
        }
        var encoded = messages.encode(account, payload, contentType, new MessageSecurityService.EncodeOptions(
                blankToNull(signingCertificateName), signingAlgorithm, blankToNull(encryptionCertificateName),
                encryptionAlgorithm, compress));
        return Response.ok(stream(encoded.body()::input, encoded))
                .header("Content-Type", encoded.contentType())
                .header(MIC, encoded.mic())
                .build();
    }

    /** Decrypts, decompresses and verifies a received message, answering its payload. */
    @POST
    @Path("decode")
    public Response decode(@HeaderParam("Content-Type") String contentType,
            @HeaderParam("Content-Transfer-Encoding") String transferEncoding,
            @QueryParam("verificationCertificateName") String verificationCertificateName, InputStream body)
            throws IOException {
        SmimeDecoder.Result decoded = messages.decode(account, body, contentType, transferEncoding,
                blankToNull(verificationCertificateName));
        Response.ResponseBuilder response = Response.ok(stream(decoded.payload()::input, decoded))
                .header("Content-Type", decoded.contentType());
        if (decoded.signedBy() != null) {
            response.header("X-Certvault-Signed-By", decoded.signedBy()).header(MIC, decoded.mic());
        }
        if (decoded.decryptedWith() != null) {
            response.header("X-Certvault-Decrypted-With", decoded.decryptedWith());
        }
        if (decoded.decompressed()) {
            response.header("X-Certvault-Decompressed", "true");
        }
        return response.build();
    }

    /** Streams a spooled body to the client, then releases it. */
    private static StreamingOutput stream(java.util.function.Supplier<InputStream> body, AutoCloseable spool) {
        return out -> {
            try (InputStream in = body.get()) {
                in.transferTo(out);
            } finally {
                try {
                    spool.close();
                } catch (Exception e) {
                    // a spool's close only deletes its file
                }
            }
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
