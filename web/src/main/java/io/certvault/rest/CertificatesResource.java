package io.certvault.rest;

import io.certvault.application.CertificateIssuance;
import io.certvault.application.CertificateService;
import io.certvault.application.CertificateValidationService;
import io.certvault.pki.CertificateValidation;
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
    @Inject
    CertificateValidationService validation;
    @Inject
    io.certvault.application.CertificateRollover rollovers;
    @Context
    UriInfo uri;
    @Context
    HttpHeaders headers;
    @PathParam("account")
    String account;

    public record CertificateRequest(RequestProperties properties) {
    }

    /**
     * {@code publicCertificate}: one certificate (base64 DER or PEM) or it with its chain (a PEM bundle or
     * PKCS#7); {@code trustAnchor}: whether the account's validation paths may end at it.
     */
    public record RequestProperties(String publicCertificate, KeyBody key, Boolean trustAnchor, JsonObject metadata) {
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

    /**
     * What the client sent (certificate, key, trust anchor, metadata), the timestamps, and read-only details of the
     * certificate: {@code chain} holds the certificates that issued it (base64 DER, from its issuer up).
     */
    public record Properties(String publicCertificate, List<String> chain, KeyBody key, boolean trustAnchor,
            RolloverBody rollover, JsonObject metadata, Instant createdTime,
            Instant changedTime, String thumbprint, String thumbprintSha256, String subject, String issuer,
            String serialNumber, Instant notBefore, Instant notAfter, String keyAlgorithm, Integer keySize,
            String keyCurve) {
    }

    /**
     * The certificate that takes over from this one ({@code successor}) at {@code switchOverTime}, and whether it
     * has ({@code switchedOver}); absent when none is scheduled.
     */
    public record RolloverBody(String successor, Instant switchOverTime, Boolean switchedOver) {
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
                certificate.name(), TYPE, new Properties(Base64.getEncoder().encodeToString(der),
                        certificate.chain().stream().map(Base64.getEncoder()::encodeToString).toList(), key,
                        certificate.trustAnchor(), certificate.successorName() == null ? null : new RolloverBody(
                                certificate.successorName(), certificate.switchOverTime(),
                                certificate.switchedOver(Instant.now())), Json.object(certificate.metadataJson()), certificate.createdTime(), certificate.changedTime(),
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
                () -> keyReference(properties.key()), Boolean.TRUE.equals(properties.trustAnchor()),
                Json.text(properties.metadata()), Conditional.precondition(headers));
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

    /** A rollover to schedule: the successor's name and when it takes over (now when absent). */
    public record RolloverRequest(RolloverBody properties) {
    }

    /**
     * Schedules another certificate of the account to take over from this one at a time: messages are sent with
     * it from then on, and received signed with either while both are valid. Agreements keep naming this one.
     */
    @AuditedChange(value = "certificates/rollover", target = AuditedChange.Kind.CERTIFICATE)
    @PUT
    @Path("{name}/rollover")
    public CertificateBody rollover(@PathParam("name") String name, RolloverRequest request) {
        if (request == null || request.properties() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                    "The body needs properties.successor and optionally properties.switchOverTime.");
        }
        return body(rollovers.schedule(account, name, request.properties().successor(),
                request.properties().switchOverTime()));
    }

    /** Cancels the rollover: the certificate is sent with again. */
    @AuditedChange(value = "certificates/rollover", target = AuditedChange.Kind.CERTIFICATE)
    @DELETE
    @Path("{name}/rollover")
    public CertificateBody cancelRollover(@PathParam("name") String name) {
        return body(rollovers.cancel(account, name));
    }

    /** A renewal: all optional (a new version of the same key, as long valid, taking over in 7 days). */
    public record RenewRequest(RenewProperties properties) {
    }

    public record RenewProperties(String successor, String newKeyName, NewKeyBody newKey, Integer validityInDays,
            Instant switchOverTime, Boolean throughCa) {
    }

    /**
     * Renews a private certificate in one action: a new key version (or a new key), a certificate for it saying
     * what this one says, issued by the vault, and its rollover scheduled. 201 with the new certificate; this one
     * stays, and shows the rollover, until it is deleted. With {@code throughCa}, 201 with the certificate request
     * for the CA instead; completing it schedules the rollover.
     */
    @AuditedChange(value = "certificates/renew", target = AuditedChange.Kind.CERTIFICATE)
    @POST
    @Path("{name}/renew")
    public Response renew(@PathParam("name") String name, RenewRequest request) {
        var renewed = rollovers.renew(account, name, () -> {
            RenewProperties p = request == null || request.properties() == null
                    ? new RenewProperties(null, null, null, null, null, null) : request.properties();
            return new io.certvault.application.CertificateRollover.Renewal(p.successor(), p.newKeyName(),
                    p.newKey() == null ? null : KeySpec.of(p.newKey().kty(), p.newKey().size(), p.newKey().crv()),
                    p.validityInDays(), p.switchOverTime(), Boolean.TRUE.equals(p.throughCa()));
        });
        if (renewed.request() != null) {
            return Conditional.written(true, renewed.request(), CertificateRequestsResource.body(renewed.request()));
        }
        return Conditional.written(true, renewed.successor(), body(renewed.successor()));
    }

    /** A certificate on a validation path, as the answer names it. */
    public record PathEntry(String subject, String issuer, String serialNumber, String thumbprint, Instant notBefore,
            Instant notAfter) {
    }

    /** One check: {@code validity}, {@code trust}, {@code keyUsage}, {@code revocation}. */
    public record CheckBody(String check, String outcome, String code, String reason) {
    }

    /** Whether the certificate validates, the path from it to its trust anchor, and each check with its reason. */
    public record ValidationBody(boolean valid, Instant validatedTime, List<PathEntry> path, List<CheckBody> checks) {
    }

    static ValidationBody body(CertificateValidation.Result result, Instant at) {
        return new ValidationBody(result.valid(), at, result.path().stream().map(c -> {
            CertificateDetails d = CertificateDetails.of(c);
            return new PathEntry(d.subject(), d.issuer(), d.serialNumber(), d.thumbprint(), d.notBefore(),
                    d.notAfter());
        }).toList(), result.checks().stream().map(c -> new CheckBody(c.name(), c.outcome().name().toLowerCase(
                java.util.Locale.ROOT), c.code(), c.reason())).toList());
    }

    /**
     * PKIX validation of the certificate now: its path to one of the account's trust anchors, validity, key usage
     * for {@code use} ({@code signing}, {@code encryption}; any when absent) and revocation by OCSP and CRL, with
     * {@code revocationFailure} ({@code soft-fail}, {@code hard-fail}) overriding the server's setting. A
     * certificate that does not validate is still a 200: the answer says why.
     */
    @GET
    @Path("{name}/validation")
    public ValidationBody validation(@PathParam("name") String name, @QueryParam("use") String use,
            @QueryParam("revocationFailure") String revocationFailure) {
        Instant at = Instant.now();
        return body(validation.validate(account, name, use, revocationFailure), at);
    }

    /** What is known of an uploaded CRL. */
    public record CrlBody(Instant thisUpdate, Instant nextUpdate, Instant uploadedTime, List<String> revokedSerials) {
    }

    /**
     * Uploads the CRL that this CA certificate issued (DER as {@code application/pkix-crl}, or PEM), for partners
     * whose CA publishes none this server reaches. It must be signed by this certificate's key.
     */
    @AuditedChange(value = "certificates/crl/write", target = AuditedChange.Kind.CERTIFICATE)
    @PUT
    @Path("{name}/crl")
    @Consumes({"application/pkix-crl", "application/x-pem-file", MediaType.TEXT_PLAIN,
            MediaType.APPLICATION_OCTET_STREAM})
    public CrlBody putCrl(@PathParam("name") String name, byte[] crl) {
        var stored = validation.putCrl(account, name, crl == null ? new byte[0] : crl);
        return new CrlBody(stored.thisUpdate(), stored.nextUpdate(), stored.uploadedTime(),
                CertificateValidationService.revokedSerials(stored.der()));
    }

    @GET
    @Path("{name}/crl")
    @Produces({MediaType.APPLICATION_JSON, "application/pkix-crl"})
    public Response getCrl(@PathParam("name") String name) {
        var stored = validation.crl(account, name).orElseThrow(() -> new CertvaultException(ErrorCode.CRL_NOT_FOUND,
                "No CRL was uploaded for certificate '" + name + "'."));
        boolean der = headers.getAcceptableMediaTypes().stream()
                .anyMatch(t -> t.isCompatible(MediaType.valueOf("application/pkix-crl")) && !t.isWildcardType());
        if (der) {
            return Response.ok(stored.der(), "application/pkix-crl").build();
        }
        return Response.ok(new CrlBody(stored.thisUpdate(), stored.nextUpdate(), stored.uploadedTime(),
                CertificateValidationService.revokedSerials(stored.der())), MediaType.APPLICATION_JSON).build();
    }

    /** 200 when deleted, 204 when there was none. */
    @AuditedChange(value = "certificates/crl/delete", target = AuditedChange.Kind.CERTIFICATE)
    @DELETE
    @Path("{name}/crl")
    public Response deleteCrl(@PathParam("name") String name) {
        return Response.status(validation.deleteCrl(account, name) ? 200 : 204).build();
    }

    private static KeyReference keyReference(KeyBody key) {
        if (key == null) {
            return null;
        }
        return new KeyReference(key.keyVault() == null ? null : key.keyVault().name(), key.keyName(), key.keyVersion());
    }
}
