package io.certvault.rest;

import io.certvault.application.PartnerService;
import io.certvault.application.Saved;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.Partner;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

/** Partners as Azure's integration accounts have them: {@code properties.content.b2b.businessIdentities}. */
@Path("integrationAccounts/{account}/partners")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PartnersResource {
    static final String TYPE = "Microsoft.Logic/integrationAccounts/partners";

    @Inject
    PartnerService partners;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;
    @PathParam("account")
    String account;

    public record PartnerRequest(RequestProperties properties) {
    }

    public record RequestProperties(String partnerType, Content content, JsonObject metadata) {
    }

    public record Content(B2b b2b) {
    }

    public record B2b(List<Identity> businessIdentities) {
    }

    public record Identity(String qualifier, String value) {
    }

    public record PartnerBody(String id, String name, String type, Properties properties) {
    }

    public record Properties(String partnerType, Content content, JsonObject metadata, Instant createdTime,
            Instant changedTime) {
    }

    static PartnerBody body(Partner partner) {
        List<Identity> identities = partner.businessIdentities().stream()
                .map(i -> new Identity(i.qualifier(), i.value())).toList();
        return new PartnerBody("/integrationAccounts/" + partner.accountName() + "/partners/" + partner.name(),
                partner.name(), TYPE, new Properties(partner.partnerType(), new Content(new B2b(identities)),
                        Json.object(partner.metadataJson()), partner.createdTime(), partner.changedTime()));
    }

    @GET
    public ListBody<PartnerBody> list(@QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(partners.list(account, ListBody.continueAfter(skipToken), top), PartnersResource::body, uri);
    }

    @GET
    @Path("{partner}")
    public Response get(@PathParam("partner") String name) {
        Partner partner = partners.get(account, name);
        return Conditional.read(headers, partner, body(partner));
    }

    @AuditedChange(value = "partners/write", target = AuditedChange.Kind.PARTNER)
    @PUT
    @Path("{partner}")
    public Response put(@PathParam("partner") String name, PartnerRequest request) {
        RequestProperties p = request == null || request.properties() == null
                ? new RequestProperties(null, null, null) : request.properties();
        List<BusinessIdentity> identities = p.content() == null || p.content().b2b() == null
                || p.content().b2b().businessIdentities() == null ? List.of()
                : p.content().b2b().businessIdentities().stream()
                        .map(i -> i == null ? null : new BusinessIdentity(i.qualifier(), i.value())).toList();
        Saved<Partner> saved = partners.put(account, name, p.partnerType(), identities, Json.text(p.metadata()),
                Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /** 200 when deleted, 204 when there was no such partner. */
    @AuditedChange(value = "partners/delete", target = AuditedChange.Kind.PARTNER)
    @DELETE
    @Path("{partner}")
    public Response delete(@PathParam("partner") String name) {
        return Response.status(partners.delete(account, name, Conditional.precondition(headers)) ? 200 : 204).build();
    }
}
