package io.certvault.rest;

import io.certvault.application.IntegrationAccountService;
import io.certvault.application.Saved;
import io.certvault.domain.IntegrationAccount;
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

@Path("integrationAccounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IntegrationAccountsResource {
    static final String TYPE = "Microsoft.Logic/integrationAccounts";

    @Inject
    IntegrationAccountService accounts;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;

    /** The request body; every part is optional. */
    public record AccountRequest(String location, Sku sku, JsonObject tags) {
    }

    public record Sku(String name) {
    }

    public record AccountBody(String id, String name, String type, String location, Sku sku, JsonObject tags,
            Properties properties) {
    }

    public record Properties(String state, Instant createdTime, Instant changedTime) {
    }

    static AccountBody body(IntegrationAccount account) {
        return new AccountBody("/integrationAccounts/" + account.name(), account.name(), TYPE, account.location(),
                account.skuName() == null ? null : new Sku(account.skuName()), Json.object(account.tagsJson()),
                new Properties("Enabled", account.createdTime(), account.changedTime()));
    }

    @GET
    public ListBody<AccountBody> list(@QueryParam("$top") String top, @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(accounts.list(ListBody.continueAfter(skipToken), top), IntegrationAccountsResource::body, uri);
    }

    @GET
    @Path("{account}")
    public Response get(@PathParam("account") String name) {
        IntegrationAccount account = accounts.get(name);
        return Conditional.read(headers, account, body(account));
    }

    @AuditedChange(value = "integrationAccounts/write", target = AuditedChange.Kind.ACCOUNT)
    @PUT
    @Path("{account}")
    public Response put(@PathParam("account") String name, AccountRequest request) {
        AccountRequest r = request == null ? new AccountRequest(null, null, null) : request;
        Saved<IntegrationAccount> saved = accounts.put(name, r.location(), r.sku() == null ? null : r.sku().name(),
                Json.text(r.tags()), Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /** 200 when deleted, 204 when there was no such account (as Azure Resource Manager answers). */
    @AuditedChange(value = "integrationAccounts/delete", target = AuditedChange.Kind.ACCOUNT)
    @DELETE
    @Path("{account}")
    public Response delete(@PathParam("account") String name) {
        return Response.status(accounts.delete(name, Conditional.precondition(headers)) ? 200 : 204).build();
    }
}
