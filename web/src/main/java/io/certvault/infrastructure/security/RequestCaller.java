package io.certvault.infrastructure.security;

import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/** The caller that {@link CertvaultAuthentication} signed in for this request; nobody otherwise. */
@RequestScoped
public class RequestCaller implements CallerContext {

    @Inject
    HttpServletRequest request;

    @Override
    public Caller current() {
        return request.getAttribute(CertvaultAuthentication.CALLER_ATTRIBUTE) instanceof Caller caller ? caller
                : Caller.ANONYMOUS;
    }
}
