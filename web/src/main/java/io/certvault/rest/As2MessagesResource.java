package io.certvault.rest;

import io.certvault.application.As2TransportService;
import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Locale;

/**
 * The AS2 messages of an account, in and out: a list with filters, each message's record, what it carried
 * (payload, raw message, MDN), pick-up ({@code acknowledge}) and {@code resend}.
 */
@Path("integrationAccounts/{account}/as2/messages")
@Produces(MediaType.APPLICATION_JSON)
public class As2MessagesResource {
    static final String TYPE = "Certvault/integrationAccounts/as2Messages";

    @Inject
    As2TransportService transport;
    @Context
    UriInfo uri;
    @PathParam("account")
    String account;

    public record MessageBody(String id, String name, String type, MessageProperties properties) {
    }

    public record MessageProperties(String messageId, As2Message.Direction direction, As2Message.Kind kind,
            String targetUrl, As2Message.Status status,
            String agreementName, String hostPartner, String guestPartner, String as2From, String as2To,
            boolean isDuplicate, int attempts, String fileName, String contentType, Long contentSize, String mic,
            Mdn mdn, ErrorBody.Detail error, Instant createdTime, Instant changedTime, Instant nextAttemptTime) {
    }

    /** The MDN: returned (inbound) or received (outbound), and the certificate that verified its signature. */
    public record Mdn(String disposition, String text, String signedBy) {
    }

    static MessageBody body(As2Message m) {
        return new MessageBody("/integrationAccounts/" + m.accountName() + "/as2/messages/" + m.id(), m.id(), TYPE,
                new MessageProperties(m.messageId(), m.direction(), m.kind(), m.targetUrl(), m.status(), m.agreementName(), m.hostPartner(),
                        m.guestPartner(), m.as2From(), m.as2To(), m.duplicate(), m.attempts(), m.fileName(),
                        m.contentType(), m.contentSize(), m.mic(),
                        m.mdnDisposition() == null && m.mdnText() == null ? null
                                : new Mdn(m.mdnDisposition(), m.mdnText(), m.mdnSignedBy()),
                        m.errorCode() == null ? null : new ErrorBody.Detail(m.errorCode(), m.errorMessage()),
                        m.createdTime(), m.changedTime(), m.nextAttemptTime()));
    }

    /**
     * Newest first. Filters: {@code direction} (Inbound, Outbound), {@code status}, {@code partner} (host or
     * guest), {@code agreement}, {@code from} and {@code to} (ISO-8601 instants, created at or after / before).
     */
    @GET
    public ListBody<MessageBody> list(@QueryParam("direction") String direction, @QueryParam("status") String status,
            @QueryParam("partner") String partner, @QueryParam("agreement") String agreement,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        var query = As2TransportService.query(direction, status, partner, agreement, from, to,
                ListBody.continueAfter(skipToken));
        return ListBody.of(transport.list(account, query, top), As2MessagesResource::body, uri);
    }

    @GET
    @Path("{id}")
    public MessageBody get(@PathParam("id") String id) {
        return body(transport.get(account, id));
    }

    /** The received payload (inbound), as its Content-Type; 404 when none was kept (refused, or a duplicate). */
    @GET
    @Path("{id}/payload")
    @Produces(MediaType.WILDCARD)
    public Response payload(@PathParam("id") String id) throws IOException {
        As2Message message = transport.get(account, id);
        return content(message, As2MessageRepository.Content.PAYLOAD, message.direction() == As2Message.Direction.Inbound
                ? message.contentType() : null, message.fileName());
    }

    /** The message as it went over the wire (outbound: the body that was posted, its Content-Type). */
    @GET
    @Path("{id}/raw")
    @Produces(MediaType.WILDCARD)
    public Response raw(@PathParam("id") String id) throws IOException {
        As2Message message = transport.get(account, id);
        return content(message, As2MessageRepository.Content.RAW, message.direction() == As2Message.Direction.Outbound
                ? message.contentType() : null, null);
    }

    /** The MDN as returned (inbound) or received (outbound): its body, a multipart/report or multipart/signed. */
    @GET
    @Path("{id}/mdn")
    @Produces(MediaType.WILDCARD)
    public Response mdn(@PathParam("id") String id) throws IOException {
        return content(transport.get(account, id), As2MessageRepository.Content.MDN, null, null);
    }

    private Response content(As2Message message, As2MessageRepository.Content kind, String contentType,
            String fileName) throws IOException {
        InputStream in = transport.content(account, message.id(), kind).orElseThrow(() -> new CertvaultException(
                ErrorCode.MESSAGE_NOT_FOUND, "Message " + message.id() + " has no "
                        + kind.name().toLowerCase(Locale.ROOT) + " kept."));
        Response.ResponseBuilder response = Response.ok((StreamingOutput) out -> {
            try (in) {
                in.transferTo(out);
            }
        }, contentType != null ? contentType : MediaType.APPLICATION_OCTET_STREAM);
        if (fileName != null) {
            response.header("Content-Disposition", "attachment; filename=\"" + fileName.replace("\"", "") + "\"");
        }
        return response.build();
    }

    /** The payload was picked up: Received becomes Processed, and the list of what waits leaves it out. */
    @POST
    @Path("{id}/acknowledge")
    public MessageBody acknowledge(@PathParam("id") String id) {
        return body(transport.acknowledge(account, id));
    }

    /** Queues an outbound message again, as it was sent: 202, the worker sends it. */
    @POST
    @Path("{id}/resend")
    public Response resend(@PathParam("id") String id) {
        return Response.accepted(body(transport.resend(account, id))).build();
    }
}
