package io.certvault.rest;

import io.certvault.application.Guard;
import io.certvault.audit.AuditTarget;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;

/**
 * Marks a resource method that changes something with the operation its service records, so that a request
 * refused before the service is reached (a body that is not JSON, or not of the expected shape, or shorter
 * than declared) is on record like every refused change. The target comes from the path's parameters.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuditedChange {

    /** The audit operation, as the service names it ({@code certificates/write}). */
    String value();

    /** What the path names; {@code RESOURCE} is a user or role assignment ({@code users/<name>}). */
    Kind target();

    enum Kind {
        ACCOUNT, CERTIFICATE, CERTIFICATE_REQUEST, PARTNER, AGREEMENT, KEY, USER, ROLE_ASSIGNMENT;

        AuditTarget of(MultivaluedMap<String, String> path) {
            return switch (this) {
                case ACCOUNT -> AuditTarget.account(path.getFirst("account"));
                case CERTIFICATE -> AuditTarget.certificate(path.getFirst("account"), path.getFirst("name"));
                case CERTIFICATE_REQUEST -> AuditTarget.certificateRequest(path.getFirst("account"),
                        path.getFirst("request"));
                case PARTNER -> AuditTarget.partner(path.getFirst("account"), path.getFirst("partner"));
                case AGREEMENT -> AuditTarget.agreement(path.getFirst("account"), path.getFirst("agreement"));
                case KEY -> AuditTarget.key(path.getFirst("vault"), path.getFirst("key"));
                case USER -> AuditTarget.resource("users/" + path.getFirst("user"));
                case ROLE_ASSIGNMENT -> AuditTarget.resource("roleAssignments/" + path.getFirst("assignment"));
            };
        }
    }

    /** Records the refusal if the matched resource method is a change; the exception mappers call it. */
    final class Refusals {
        private Refusals() {
        }

        static void record(ResourceInfo resource, UriInfo uri, String errorCode) {
            Method method = resource == null ? null : resource.getResourceMethod();
            AuditedChange change = method == null ? null : method.getAnnotation(AuditedChange.class);
            if (change != null) {
                CDI.current().select(Guard.class).get()
                        .refused(change.value(), change.target().of(uri.getPathParameters()), errorCode);
            }
        }
    }
}
