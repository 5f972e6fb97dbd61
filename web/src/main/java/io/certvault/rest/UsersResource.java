package io.certvault.rest;

import io.certvault.application.AccessService;
import io.certvault.application.Saved;
import io.certvault.application.SignInService;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.security.User;
import jakarta.inject.Inject;
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

/** Built-in users (admins only). Passwords go in and never come out, not even as hashes. */
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {
    static final String TYPE = "Certvault/users";

    @Inject
    AccessService access;
    @Inject
    SignInService signIn;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;

    /** Creates a user, or sets a new password: {@code {"properties": {"password": "..."}}}. */
    public record UserRequest(UserRequestProperties properties) {
    }

    public record UserRequestProperties(String password) {
    }

    public record UserBody(String id, String name, String type, UserProperties properties) {
    }

    public record UserProperties(Instant createdTime, Instant changedTime, Instant lockedUntil) {
    }

    static UserBody body(User user) {
        return new UserBody("/users/" + user.name(), user.name(), TYPE, new UserProperties(user.createdTime(),
                user.changedTime(), user.lockedAt(Instant.now()) ? user.lockedUntil() : null));
    }

    @GET
    public ListBody<UserBody> list(@QueryParam("$top") String top, @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(access.listUsers(ListBody.continueAfter(skipToken), top), UsersResource::body, uri);
    }

    @GET
    @Path("{user}")
    public Response get(@PathParam("user") String name) {
        User user = access.getUser(name);
        return Conditional.read(headers, user, body(user));
    }

    @AuditedChange(value = "users/write", target = AuditedChange.Kind.USER)
    @PUT
    @Path("{user}")
    public Response put(@PathParam("user") String name, UserRequest request) {
        if (request == null || request.properties() == null || request.properties().password() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The body needs properties.password.");
        }
        Saved<User> saved = access.putUser(name, request.properties().password().toCharArray(),
                Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /** {@code {"currentPassword": "...", "newPassword": "..."}}: a user changes their own password. */
    public record PasswordChange(String currentPassword, String newPassword) {
    }

    /**
     * A signed-in user changes their own password (no role needed; admins set others' with PUT). A wrong
     * current password counts towards the lock. 204 when changed.
     */
    @AuditedChange(value = "users/password", target = AuditedChange.Kind.USER)
    @POST
    @Path("{user}/password")
    public Response changePassword(@PathParam("user") String name, PasswordChange change) {
        if (!name.equals(signIn.callerName())) {
            throw new CertvaultException(ErrorCode.AUTHORIZATION_FAILED,
                    "Users change their own password here; admins set other users' with PUT /users/{user}.");
        }
        if (change == null || change.currentPassword() == null || change.newPassword() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The body needs currentPassword and newPassword.");
        }
        signIn.changeOwnPassword(change.currentPassword().toCharArray(), change.newPassword().toCharArray());
        return Response.noContent().build();
    }

    /** Deletes the user and their role assignments. 200 when deleted, 204 when there was none. */
    @AuditedChange(value = "users/delete", target = AuditedChange.Kind.USER)
    @DELETE
    @Path("{user}")
    public Response delete(@PathParam("user") String name) {
        return Response.status(access.deleteUser(name, Conditional.precondition(headers)) ? 200 : 204).build();
    }
}
