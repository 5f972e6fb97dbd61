package io.certvault.rest;

import io.certvault.application.CertificateIssuance;
import io.certvault.application.CertificateService;
import io.certvault.application.Saved;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.pki.CertificateDetails;
import io.certvault.vault.KeySpec;
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
import java.util.Base64;
import java.util.List;

@Path("integrationAccounts/{account}/certificates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CertificatesResource {
    static final String TYPE = "Microsoft.Logic/integrationAccounts/certificates";

    @Inject
    CertificateService certificates;
    @Inject
    CertificateIssuance issuance;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;
    @PathParam("account")
    String account;

    public record CertificateRequest(RequestProperties properties) {
    }

    public record RequestProperties(String publicCertificate, KeyBody key, JsonObject metadata) {
    }

    /**
     * Azure's key reference: {@code {"keyVault": {"name": ...}, "keyName": ..., "keyVersion": ...}}. Read-only
     * in the answer to a GET of one certificate: {@code resolvedKeyVersion}, the version it signs and decrypts
     * with now, or {@code resolutionError} when there is none (no version matches, the vault is down).
     */
    public record KeyBody(KeyVaultBody keyVault, String keyName, String keyVersion, String resolvedKeyVersion,
            ErrorBody.Detail resolutionError) {
    }

    public record KeyVaultBody(String id, String name, String type) {
    }

    /**
     * A certificate to issue from a vault key: the key (Azure's reference), optionally a key to make for it first
     * ({@code newKey}: {@code kty} RSA with {@code size}, or EC with {@code crv}), and what the certificate says,
     * by Azure Key Vault's certificate policy names.
     */
    public record IssueRequest(IssueProperties properties) {
    }

    public record IssueProperties(KeyBody key, NewKeyBody newKey, String subject,
            AlternativeNamesBody subjectAlternativeNames, List<String> keyUsage, List<String> ekus,
            Integer validityInDays, String signatureAlgorithm, JsonObject metadata) {
    }

    public record NewKeyBody(String kty, Integer size, String crv) {
    }

    public record AlternativeNamesBody(List<String> dnsNames, List<String> emails, List<String> uris) {
    }

    public record CertificateBody(String id, String name, String type, Properties properties) {
    }

    /** What the client sent (certificate, key, metadata), the timestamps, and read-only details of the certificate. */
    public record Properties(String publicCertificate, KeyBody key, JsonObject metadata, Instant createdTime,
            Instant changedTime, String thumbprint, String thumbprintSha256, String subject, String issuer,
            String serialNumber, Instant notBefore, Instant notAfter, String keyAlgorithm, Integer keySize,
            String keyCurve) {
    }

    static CertificateBody body(Certificate certificate) {
        return body(certificate, null, null);
    }

    static CertificateBody body(Certificate certificate, String resolvedKeyVersion, ErrorBody.Detail resolutionError) {
        byte[] der = certificate.der();
        CertificateDetails details = certificate.details();
        KeyReference reference = certificate.key();
        KeyBody key = reference == null ? null : new KeyBody(
                new KeyVaultBody("/vaults/" + reference.vaultName(), reference.vaultName(), VaultsResource.TYPE),
                reference.keyName(), reference.keyVersion(), resolvedKeyVersion, resolutionError);
        return new CertificateBody(
                "/integrationAccounts/" + certificate.accountName() + "/certificates/" + certificate.name(),
                certificate.name(), TYPE, new Properties(Base64.getEncoder().encodeToString(der), key,
                        Json.object(certificate.metadataJson()), certificate.createdTime(), certificate.changedTime(),
                        details.thumbprint(), details.thumbprintSha256(), details.subject(), details.issuer(),
                        details.serialNumber(), details.notBefore(), details.notAfter(), details.keyAlgorithm(),
                        details.keySize(), details.keyCurve()));
    }

    /**
     * The account's certificates, by {@code name} (the default) or {@code notAfter}, optionally only those that
     * expire before an instant.
     */
    @GET
    public ListBody<CertificateBody> list(@QueryParam("expiresBefore") String expiresBefore,
            @QueryParam("$orderby") String orderBy, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(certificates.list(account, QueryParameters.instant("expiresBefore", expiresBefore), orderBy,
                ListBody.continueAfter(skipToken), top), CertificatesResource::body, uri);
    }

    @GET
    @Path("{name}")
    public Response get(@PathParam("name") String name) {
        Certificate certificate = certificates.get(account, name);
        return Conditional.read(headers, certificate, withKeyInUse(certificate));
    }

    /** The certificate with the key version it uses now, or why it has none. */
    private CertificateBody withKeyInUse(Certificate certificate) {
        if (!certificate.isPrivate()) {
            return body(certificate);
        }
        try {
            return body(certificate, certificates.keyInUse(certificate).version(), null);
        } catch (CertvaultException e) {
            return body(certificate, null, new ErrorBody.Detail(e.errorCode().code(), e.getMessage()));
        }
    }

    @AuditedChange(value = "certificates/write", target = AuditedChange.Kind.CERTIFICATE)
    @PUT
    @Path("{name}")
    public Response put(@PathParam("name") String name, CertificateRequest request) {
        if (request == null || request.properties() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                    "The body needs properties.publicCertificate (base64 DER or PEM).");
        }
        RequestProperties properties = request.properties();
        Saved<Certificate> saved = certificates.put(account, name, properties.publicCertificate(),
                () -> keyReference(properties.key()), Json.text(properties.metadata()), Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /**
     * Issues a self-signed certificate from a vault key and stores it as the account's private certificate of
     * that name: 201 (200 when it replaced one), as a PUT answers. The vault signs; the key never leaves it.
     */
    @AuditedChange(value = "certificates/issue", target = AuditedChange.Kind.CERTIFICATE)
    @POST
    @Path("{name}/issue")
    public Response issue(@PathParam("name") String name, IssueRequest request) {
        Saved<Certificate> saved = issuance.issue(account, name, () -> issuing(request),
                Conditional.precondition(headers));
        return Conditional.written(saved.created(), saved.value(), body(saved.value()));
    }

    /** What an issue (or a certificate request) asks for, read from its body. */
    static CertificateIssuance.Request issuing(IssueRequest request) {
        if (request == null || request.properties() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The body needs properties: key, subject and "
                    + "optionally newKey, subjectAlternativeNames, keyUsage, ekus, validityInDays, "
                    + "signatureAlgorithm, metadata.");
        }
        IssueProperties p = request.properties();
        AlternativeNamesBody names = p.subjectAlternativeNames() == null
                ? new AlternativeNamesBody(null, null, null) : p.subjectAlternativeNames();
        return new CertificateIssuance.Request(keyReference(p.key()), p.newKey() == null ? null
                : KeySpec.of(p.newKey().kty(), p.newKey().size(), p.newKey().crv()), p.subject(),
                names.dnsNames(), names.emails(), names.uris(), p.keyUsage(), p.ekus(), p.validityInDays(),
                p.signatureAlgorithm(), Json.text(p.metadata()));
    }

    /** 200 when deleted, 204 when there was no such certificate. */
    @AuditedChange(value = "certificates/delete", target = AuditedChange.Kind.CERTIFICATE)
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        return Response.status(certificates.delete(account, name, Conditional.precondition(headers)) ? 200 : 204)
                .build();
    }

    private static KeyReference keyReference(KeyBody key) {
        if (key == null) {
            return null;
        }
        return new KeyReference(key.keyVault() == null ? null : key.keyVault().name(), key.keyName(), key.keyVersion());
    }
}
