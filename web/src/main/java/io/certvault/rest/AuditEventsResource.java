package io.certvault.rest;

import io.certvault.application.AuditService;
import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTarget;
import io.certvault.audit.AuditVerification;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;

/**
 * The audit trail, read-only: there is no way to change or delete an event through Certvault. Newest
 * first, filtered by any of the query parameters, paged with {@code $top} and {@code nextLink}.
 */
@Path("auditEvents")
@Produces(MediaType.APPLICATION_JSON)
public class AuditEventsResource {
    static final String TYPE = "Certvault/auditEvents";

    @Inject
    AuditService audit;
    @Context
    UriInfo uri;

    public record EventBody(String id, String name, String type, EventProperties properties) {
    }

    public record EventProperties(long sequence, Instant time, String user, String operation, String account,
            String certificate, String vault, String key, String keyVersion, String resource, String outcome,
            String errorCode, String clientAddress, String previousHash, String hash) {
    }

    static EventBody body(AuditRecord record) {
        AuditEvent event = record.event();
        AuditTarget target = event.target();
        String name = Long.toString(record.sequence());
        return new EventBody("/auditEvents/" + name, name, TYPE, new EventProperties(record.sequence(), event.time(),
                event.user(), event.operation(), target.account(), target.certificate(), target.vault(), target.key(),
                target.keyVersion(), target.resource(), event.outcome(), event.errorCode(), event.clientAddress(),
                record.previousHash(), record.hash()));
    }

    @GET
    public ListBody<EventBody> list(@QueryParam("user") String user, @QueryParam("operation") String operation,
            @QueryParam("account") String account, @QueryParam("certificate") String certificate,
            @QueryParam("vault") String vault, @QueryParam("key") String key, @QueryParam("outcome") String outcome,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        AuditQuery query = new AuditQuery(blank(user), blank(operation), blank(account), blank(certificate),
                blank(vault), blank(key), blank(outcome), QueryParameters.instant("from", from), QueryParameters.instant("to", to), null);
        return ListBody.of(audit.find(query, ListBody.continueAfter(skipToken), top), AuditEventsResource::body, uri);
    }

    /** Checks the hash chain over every record; {@code intact: false} names the first record that does not match. */
    @GET
    @Path("verification")
    public AuditVerification verify() {
        return audit.verify();
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
