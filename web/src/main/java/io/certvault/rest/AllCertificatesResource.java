package io.certvault.rest;

import io.certvault.application.CertificateService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * The certificates of every integration account the caller may read, with the same filter, orders and paging
 * as one account's list: {@code GET /api/certificates?expiresBefore=...&$orderby=notAfter} is what expiry
 * monitoring asks.
 */
@Path("certificates")
@Produces(MediaType.APPLICATION_JSON)
public class AllCertificatesResource {

    @Inject
    CertificateService certificates;
    @Context
    UriInfo uri;

    @GET
    public ListBody<CertificatesResource.CertificateBody> list(@QueryParam("expiresBefore") String expiresBefore,
            @QueryParam("$orderby") String orderBy, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(certificates.listReadable(QueryParameters.instant("expiresBefore", expiresBefore), orderBy,
                ListBody.continueAfter(skipToken), top), CertificatesResource::body, uri);
    }
}
