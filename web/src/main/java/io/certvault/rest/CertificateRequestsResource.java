package io.certvault.rest;

import io.certvault.application.CertificateIssuance;
import io.certvault.application.Saved;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRequest;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;

/**
 * Certificate signing requests (PKCS#10) made from vault keys, for a CA to sign, and completed with its answer: a
 * Certvault resource beside Azure's certificates.
 */
@Path("integrationAccounts/{account}/certificateRequests")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CertificateRequestsResource {
    static final String TYPE = "Certvault/integrationAccounts/certificateRequests";

    @Inject
    CertificateIssuance issuance;
    @Context
    UriInfo uri;
    @PathParam("account")
    String account;

    public record RequestBody(String id, String name, String type, RequestProperties properties) {
    }

    /**
     * The request's state, subject, the key version that signed it, the request as PEM, and what completed it;
     * for a renewal, the certificate it renews and when the new one takes over.
     */
    public record RequestProperties(String state, String subject, CertificatesResource.KeyBody key, String csr,
            String certificateName, String renews, Instant switchOverTime, Instant createdTime, Instant changedTime) {
    }

    /** The CA's answer: its certificate (PEM or base64 DER), a PEM bundle with the chain, or PKCS#7. */
    public record CompleteRequest(CompleteProperties properties) {
    }

    public record CompleteProperties(String certificate, String certificateName, JsonObject metadata) {
    }

    static RequestBody body(CertificateRequest request) {
        KeyReference key = request.key();
        return new RequestBody("/integrationAccounts/" + request.accountName() + "/certificateRequests/"
                + request.name(), request.name(), TYPE, new RequestProperties(request.state().name(),
                        request.subject(), new CertificatesResource.KeyBody(new CertificatesResource.KeyVaultBody(
                                "/vaults/" + key.vaultName(), key.vaultName(), VaultsResource.TYPE), key.keyName(),
                                key.keyVersion(), null, null), request.pem(), request.certificateName(),
                        request.renews(), request.switchOverTime(), request.createdTime(), request.changedTime()));
    }

    @GET
    public ListBody<RequestBody> list(@QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(issuance.requests(account, ListBody.continueAfter(skipToken), top),
                CertificateRequestsResource::body, uri);
    }

    @GET
    @Path("{request}")
    public RequestBody get(@PathParam("request") String name) {
        return body(issuance.getRequest(account, name));
    }

    /** The request as PEM ({@code .csr}), for the CA. */
    @GET
    @Path("{request}/csr")
    @Produces("application/pkcs10")
    public Response csr(@PathParam("request") String name) {
        CertificateRequest request = issuance.getRequest(account, name);
        return Response.ok(request.pem(), "application/pkcs10").header("Content-Disposition",
                "attachment; filename=\"" + request.name() + ".csr\"").build();
    }

    /**
     * Makes a request from a vault key, with the same body as issuing a certificate (key or newKey, subject,
     * subjectAlternativeNames, keyUsage, ekus, signatureAlgorithm): 201 with the request and its PEM.
     */
    @AuditedChange(value = "certificateRequests/write", target = AuditedChange.Kind.CERTIFICATE_REQUEST)
    @POST
    @Path("{request}")
    public Response create(@PathParam("request") String name, CertificatesResource.IssueRequest request) {
        CertificateRequest made = issuance.request(account, name, () -> CertificatesResource.issuing(request));
        return Response.created(uri.getAbsolutePath()).entity(body(made)).build();
    }

    /** Completes the request with the CA's answer: 201 with the private certificate made. */
    @AuditedChange(value = "certificateRequests/complete", target = AuditedChange.Kind.CERTIFICATE_REQUEST)
    @POST
    @Path("{request}/complete")
    public Response complete(@PathParam("request") String name, CompleteRequest request) {
        if (request == null || request.properties() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The body needs properties.certificate: the CA's "
                    + "certificate (PEM or base64 DER), a PEM bundle or PKCS#7; optionally certificateName, metadata.");
        }
        CompleteProperties p = request.properties();
        Saved<Certificate> saved = issuance.complete(account, name, p.certificate(), p.certificateName(),
                Json.text(p.metadata()));
        return Response.created(uri.getBaseUriBuilder().path("integrationAccounts").path(account)
                .path("certificates").path(saved.value().name()).build())
                .entity(CertificatesResource.body(saved.value())).build();
    }

    /** 200 when deleted, 204 when there was none; the key stays in its vault. */
    @AuditedChange(value = "certificateRequests/delete", target = AuditedChange.Kind.CERTIFICATE_REQUEST)
    @DELETE
    @Path("{request}")
    public Response delete(@PathParam("request") String name) {
        return Response.status(issuance.deleteRequest(account, name) ? 200 : 204).build();
    }
}
