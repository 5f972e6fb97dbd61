package io.certvault.rest;

import io.certvault.application.AccessService;
import io.certvault.application.Saved;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.security.RoleAssignment;
import jakarta.inject.Inject;
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

/**
 * Role assignments, shaped like Azure's: {@code PUT /roleAssignments/{name}} with
 * {@code {"properties": {"principalName": "alice", "roleName": "reader", "scope": "/integrationAccounts/contoso"}}}.
 */
@Path("roleAssignments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RoleAssignmentsResource {
    static final String TYPE = "Certvault/roleAssignments";

    @Inject
    AccessService access;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;

    public record AssignmentRequest(AssignmentProperties properties) {
    }

    public record AssignmentProperties(String principalName, String roleName, String scope, Instant createdTime) {
    }

    public record AssignmentBody(String id, String name, String type, AssignmentProperties properties) {
    }

    static AssignmentBody body(RoleAssignment assignment) {
        return new AssignmentBody("/roleAssignments/" + assignment.name(), assignment.name(), TYPE,
                new AssignmentProperties(assignment.principalName(), assignment.role().roleName(),
                        assignment.scope().toString(), assignment.createdTime()));
    }

    @GET
    public ListBody<AssignmentBody> list(@QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(access.listAssignments(ListBody.continueAfter(skipToken), top),
                RoleAssignmentsResource::body, uri);
    }

    @GET
    @Path("{assignment}")
    public Response get(@PathParam("assignment") String name) {
        RoleAssignment assignment = access.getAssignment(name);
        return Conditional.read(headers, assignment, body(assignment));
    }

    /** 201 when made; 200 when the same assignment exists; 409 when the name holds a different one. */
    @AuditedChange(value = "roleAssignments/write", target = AuditedChange.Kind.ROLE_ASSIGNMENT)
    @PUT
    @Path("{assignment}")
    public Response put(@PathParam("assignment") String name, AssignmentRequest request) {
        if (request == null || request.properties() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                    "The body needs properties.principalName, properties.roleName and properties.scope.");
        }
        AssignmentProperties p = request.properties();
        Saved<RoleAssignment> saved = access.putAssignment(name, p.principalName(), p.roleName(), p.scope(),
                Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    @AuditedChange(value = "roleAssignments/delete", target = AuditedChange.Kind.ROLE_ASSIGNMENT)
    @DELETE
    @Path("{assignment}")
    public Response delete(@PathParam("assignment") String name) {
        return Response.status(access.deleteAssignment(name, Conditional.precondition(headers)) ? 200 : 204).build();
    }
}
