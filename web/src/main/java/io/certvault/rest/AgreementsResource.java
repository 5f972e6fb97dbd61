package io.certvault.rest;

import io.certvault.application.AgreementService;
import io.certvault.application.Saved;
import io.certvault.domain.Agreement;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2AgreementContent.Identity;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;

/**
 * AS2 agreements as Azure's integration accounts have them: {@code properties.content.aS2} with a receive and a
 * send agreement. Answers show every setting, the defaults filled in, and {@code warnings} when a certificate
 * the agreement uses has expired or expires soon.
 */
@Path("integrationAccounts/{account}/agreements")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AgreementsResource {
    static final String TYPE = "Microsoft.Logic/integrationAccounts/agreements";

    @Inject
    AgreementService agreements;
    @Inject
    io.certvault.application.As2TransportService transport;
    @Inject
    io.certvault.infrastructure.as2.As2Outbox outbox;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;
    @PathParam("account")
    String account;

    public record AgreementRequest(RequestProperties properties) {
    }

    public record RequestProperties(String agreementType, String hostPartner, String guestPartner,
            Identity hostIdentity, Identity guestIdentity, Content content, JsonObject metadata) {
    }

    public record Content(As2AgreementContent aS2) {
    }

    public record AgreementBody(String id, String name, String type, Properties properties, List<String> warnings) {
    }

    public record Properties(String agreementType, String hostPartner, String guestPartner, Identity hostIdentity,
            Identity guestIdentity, Content content, JsonObject metadata, Instant createdTime, Instant changedTime) {
    }

    private AgreementBody body(Agreement agreement, List<String> warnings) {
        return new AgreementBody("/integrationAccounts/" + agreement.accountName() + "/agreements/" + agreement.name(),
                agreement.name(), TYPE, new Properties(agreement.agreementType(), agreement.hostPartner(),
                        agreement.guestPartner(), Identity.of(agreement.hostIdentity()),
                        Identity.of(agreement.guestIdentity()), new Content(agreement.content()),
                        Json.object(agreement.metadataJson()), agreement.createdTime(), agreement.changedTime()),
                warnings.isEmpty() ? null : warnings);
    }

    private AgreementBody body(Agreement agreement) {
        return body(agreement, agreements.expiryWarnings(agreement));
    }

    /** The account's agreements by name; {@code hostPartner} and {@code guestPartner} keep those with that partner. */
    @GET
    public ListBody<AgreementBody> list(@QueryParam("hostPartner") String hostPartner,
            @QueryParam("guestPartner") String guestPartner, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(agreements.list(account, hostPartner, guestPartner, ListBody.continueAfter(skipToken), top),
                agreement -> body(agreement, List.of()), uri);
    }

    @GET
    @Path("{agreement}")
    public Response get(@PathParam("agreement") String name) {
        Agreement agreement = agreements.get(account, name);
        return Conditional.read(headers, agreement, body(agreement));
    }

    @AuditedChange(value = "agreements/write", target = AuditedChange.Kind.AGREEMENT)
    @PUT
    @Path("{agreement}")
    public Response put(@PathParam("agreement") String name, AgreementRequest request) {
        RequestProperties p = request == null || request.properties() == null
                ? new RequestProperties(null, null, null, null, null, null, null) : request.properties();
        Saved<Agreement> saved = agreements.put(account, name, new AgreementService.Draft(p.agreementType(),
                p.hostPartner(), p.guestPartner(), p.hostIdentity(), p.guestIdentity(),
                p.content() == null ? null : p.content().aS2(), Json.text(p.metadata())),
                Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /** 200 when deleted, 204 when there was no such agreement. */
    @AuditedChange(value = "agreements/delete", target = AuditedChange.Kind.AGREEMENT)
    @DELETE
    @Path("{agreement}")
    public Response delete(@PathParam("agreement") String name) {
        return Response.status(agreements.delete(account, name, Conditional.precondition(headers)) ? 200 : 204)
                .build();
    }

    /**
     * Sends the body as the payload of an AS2 message to the agreement's guest: secured now, sent by the outbox.
     * 202 with the queued message, its record at {@code Location}. {@code fileName} travels in Content-Disposition
     * when the agreement transmits file names.
     */
    @POST
    @Path("{agreement}/send")
    @Consumes(MediaType.WILDCARD)
    public Response send(@PathParam("agreement") String name, @QueryParam("fileName") String fileName,
            @jakarta.ws.rs.HeaderParam("Content-Type") String contentType, java.io.InputStream payload)
            throws java.io.IOException {
        var message = transport.send(account, name, payload, contentType, fileName);
        outbox.wake();
        return Response.accepted(As2MessagesResource.body(message))
                .location(uri.getBaseUriBuilder().path("integrationAccounts").path(account).path("as2/messages")
                        .path(message.id()).build())
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
