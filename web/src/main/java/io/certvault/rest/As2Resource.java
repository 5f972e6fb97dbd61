package io.certvault.rest;

import io.certvault.application.As2Service;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AS2 encode and decode driven by the account's agreements, like Azure's AS2 Encode and Decode actions. Encode
 * takes the payload and answers the body to send, with the AS2 headers to send it with as its own headers.
 * Decode takes a received message as it came (its HTTP headers and body) and answers JSON: the payload, what was
 * done to reach it, and the MDN to return.
 */
@Path("integrationAccounts/{account}/as2")
@Consumes("*/*")
public class As2Resource {

    @Inject
    As2Service as2;
    @Context
    HttpHeaders headers;
    @PathParam("account")
    String account;

    /**
     * The partners by their AS2 names: {@code AS2-From} (the host, us) and {@code AS2-To} (the guest), as headers
     * or as the query parameters {@code as2From} and {@code as2To}.
     */
    @POST
    @Path("encode")
    public Response encode(@HeaderParam("AS2-From") String fromHeader, @HeaderParam("AS2-To") String toHeader,
            @QueryParam("as2From") String fromQuery, @QueryParam("as2To") String toQuery,
            @HeaderParam("Content-Type") String contentType, @QueryParam("fileName") String fileName,
            @HeaderParam("Subject") String subject, InputStream payload) throws IOException {
        As2Service.Outbound outbound = as2.encode(account, fromQuery != null ? fromQuery : fromHeader,
                toQuery != null ? toQuery : toHeader, payload, contentType, fileName, subject);
        Response.ResponseBuilder response = Response.ok((StreamingOutput) out -> {
            try (outbound; InputStream in = outbound.body().input()) {
                in.transferTo(out);
            }
        });
        outbound.headers().forEach(response::header);
        response.header("X-Certvault-Agreement", outbound.agreementName());
        if (outbound.mic() != null) {
            response.header(MessagesResource.MIC, outbound.mic());
        }
        return response.build();
    }

    public record DecodeBody(String agreementName, String as2From, String as2To, String messageId,
            boolean isDuplicate, Payload payload, String signedBy, String decryptedWith, boolean decompressed,
            String mic, String disposition, MdnBody mdn, ErrorBody.Detail error) {
    }

    /** The payload's content, base64. */
    public record Payload(String contentType, String content) {
    }

    /** The MDN to return: its headers and base64 body; {@code deliveryUrl} when it goes asynchronously. */
    public record MdnBody(Map<String, String> headers, String content, boolean signed, String deliveryUrl) {
    }

    /**
     * 200 with the payload when the message was processed; 400 with {@code error} when the agreement's rules or
     * the message's own checks refused it, the MDN (when one was asked for) saying why all the same.
     */
    @POST
    @Path("decode")
    @Produces(MediaType.APPLICATION_JSON)
    public Response decode(InputStream body) throws IOException {
        Map<String, String> received = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> received.put(name, String.join(", ", values)));
        try (As2Service.Inbound inbound = as2.decode(account, received, body)) {
            Payload payload = null;
            if (inbound.decoded() != null) {
                try (InputStream in = inbound.decoded().payload().input()) {
                    payload = new Payload(inbound.decoded().contentType(),
                            Base64.getEncoder().encodeToString(in.readAllBytes()));
                }
            }
            var mdn = inbound.mdn() == null ? null : new MdnBody(inbound.mdn().headers(),
                    Base64.getEncoder().encodeToString(inbound.mdn().body()), inbound.mdn().signed(),
                    inbound.mdn().deliveryUrl());
            var decoded = inbound.decoded();
            var refusal = inbound.refusal();
            DecodeBody answer = new DecodeBody(inbound.agreementName(), inbound.as2From(), inbound.as2To(),
                    inbound.messageId(), inbound.duplicate(), payload, decoded == null ? null : decoded.signedBy(),
                    decoded == null ? null : decoded.decryptedWith(), decoded != null && decoded.decompressed(),
                    inbound.mic(), inbound.disposition(), mdn,
                    refusal == null ? null : new ErrorBody.Detail(refusal.errorCode().code(), refusal.getMessage()));
            return Response.status(refusal == null ? 200 : 400).type(MediaType.APPLICATION_JSON_TYPE).entity(answer)
                    .build();
        }
    }
}
