package io.certvault.pki;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.vault.KeyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * What a certificate Certvault makes says: its subject, subject alternative names (DNS names, e-mail addresses,
 * URIs), key usage, extended key usages and validity. Read from a request by {@link #of}, which names what is
 * wrong by the request's property names; the names follow Azure Key Vault's certificate policy
 * ({@code subject}, {@code subjectAlternativeNames.dnsNames|emails|uris}, {@code keyUsage}, {@code ekus}).
 */
public record CertificateProfile(X500Name subject, List<GeneralName> alternativeNames, int keyUsage,
        List<KeyPurposeId> extendedKeyUsages, int validityDays) {

    /** Key usage names (Azure Key Vault's, RFC 5280's) and their bits. */
    public static final Map<String, Integer> KEY_USAGES = keyUsages();
    /** Extended key usages by name, besides dotted OIDs. */
    public static final Map<String, KeyPurposeId> EKUS = Map.of("serverAuth", KeyPurposeId.id_kp_serverAuth,
            "clientAuth", KeyPurposeId.id_kp_clientAuth, "codeSigning", KeyPurposeId.id_kp_codeSigning,
            "emailProtection", KeyPurposeId.id_kp_emailProtection, "timeStamping", KeyPurposeId.id_kp_timeStamping,
            "OCSPSigning", KeyPurposeId.id_kp_OCSPSigning);
    public static final int DEFAULT_VALIDITY_DAYS = 365;
    public static final int MAX_VALIDITY_DAYS = 3650;

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern EMAIL = Pattern.compile("(?=.{3,254}$)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]{0,9})){1,20}");

    /**
     * The profile a request asks for, for a key of this type. Without key usages, those AS2 partners expect:
     * digitalSignature with keyEncipherment and dataEncipherment for RSA, with keyAgreement for EC (an EC key
     * does not encipher).
     */
    public static CertificateProfile of(String subject, List<String> dnsNames, List<String> emails, List<String> uris,
            List<String> keyUsage, List<String> ekus, Integer validityDays, KeyType keyType) {
        if (subject == null || subject.isBlank()) {
            throw invalid("subject is required: a distinguished name, like \"CN=Contoso AS2, O=Contoso Ltd, C=US\".");
        }
        X500Name name;
        try {
            // The JDK's reading of RFC 4514: the string lists the RDNs last first (BouncyCastle's would keep the
            // string's order in the encoding, so that "CN=x, C=US" came out as "C=US, CN=x").
            name = X500Name.getInstance(new javax.security.auth.x500.X500Principal(subject.trim()).getEncoded());
        } catch (IllegalArgumentException e) {
            throw invalid("subject '" + printable(subject) + "' is not a distinguished name (RFC 4514), like "
                    + "\"CN=Contoso AS2, O=Contoso Ltd, C=US\": " + e.getMessage());
        }
        if (name.getRDNs().length == 0 || subject.length() > 1024) {
            throw invalid("subject must name at least one attribute (CN=...), in at most 1024 characters.");
        }
        List<GeneralName> alternative = new ArrayList<>();
        for (String dns : listed("subjectAlternativeNames.dnsNames", dnsNames)) {
            if (!DNS_NAME.matcher(dns).matches()) {
                throw invalid("subjectAlternativeNames.dnsNames: '" + printable(dns) + "' is not a DNS name.");
            }
            alternative.add(new GeneralName(GeneralName.dNSName, dns.toLowerCase(Locale.ROOT)));
        }
        for (String email : listed("subjectAlternativeNames.emails", emails)) {
            if (!EMAIL.matcher(email).matches()) {
                throw invalid("subjectAlternativeNames.emails: '" + printable(email) + "' is not an e-mail address.");
            }
            alternative.add(new GeneralName(GeneralName.rfc822Name, email));
        }
        for (String uri : listed("subjectAlternativeNames.uris", uris)) {
            try {
                URI parsed = new URI(uri);
                if (!parsed.isAbsolute() || uri.length() > 1000) {
                    throw new URISyntaxException(uri, "not an absolute URI");
                }
            } catch (URISyntaxException e) {
                throw invalid("subjectAlternativeNames.uris: '" + printable(uri) + "' is not an absolute URI.");
            }
            alternative.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        int usage = 0;
        List<String> usages = keyUsage == null || keyUsage.isEmpty() ? (keyType == KeyType.EC
                ? List.of("digitalSignature", "keyAgreement")
                : List.of("digitalSignature", "keyEncipherment", "dataEncipherment")) : listed("keyUsage", keyUsage);
        for (String given : usages) {
            Integer bit = KEY_USAGES.get(given);
            if (bit == null) {
                throw invalid("keyUsage: '" + printable(given) + "' is not a key usage; use " + KEY_USAGES.keySet()
                        + ".");
            }
            if (keyType == KeyType.EC && (bit == KeyUsage.keyEncipherment || bit == KeyUsage.dataEncipherment)) {
                throw invalid("keyUsage: an EC key does not encipher (" + given + "); it signs and agrees keys "
                        + "(digitalSignature, keyAgreement).");
            }
            usage |= bit;
        }
        List<KeyPurposeId> purposes = new ArrayList<>();
        for (String eku : listed("ekus", ekus)) {
            KeyPurposeId purpose = EKUS.get(eku);
            if (purpose == null && OID.matcher(eku).matches()) {
                purpose = KeyPurposeId.getInstance(new ASN1ObjectIdentifier(eku));
            }
            if (purpose == null) {
                throw invalid("ekus: '" + printable(eku) + "' is neither a dotted OID nor one of " + EKUS.keySet()
                        + ".");
            }
            if (!purposes.contains(purpose)) {
                purposes.add(purpose);
            }
        }
        int days = validityDays == null ? DEFAULT_VALIDITY_DAYS : validityDays;
        if (days < 1 || days > MAX_VALIDITY_DAYS) {
            throw invalid("validityInDays must be 1 to " + MAX_VALIDITY_DAYS + ": it is " + days + ".");
        }
        return new CertificateProfile(name, List.copyOf(alternative), usage, List.copyOf(purposes), days);
    }

    private static List<String> listed(String property, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > 100) {
            throw invalid(property + " has more than 100 entries.");
        }
        for (String value : values) {
            if (value == null || value.isBlank()) {
                throw invalid(property + " has an empty entry.");
            }
        }
        return values.stream().map(String::trim).toList();
    }

    private static Map<String, Integer> keyUsages() {
        Map<String, Integer> usages = new LinkedHashMap<>();
        usages.put("digitalSignature", KeyUsage.digitalSignature);
        usages.put("nonRepudiation", KeyUsage.nonRepudiation);
        usages.put("keyEncipherment", KeyUsage.keyEncipherment);
        usages.put("dataEncipherment", KeyUsage.dataEncipherment);
        usages.put("keyAgreement", KeyUsage.keyAgreement);
        usages.put("keyCertSign", KeyUsage.keyCertSign);
        usages.put("cRLSign", KeyUsage.cRLSign);
        usages.put("encipherOnly", KeyUsage.encipherOnly);
        usages.put("decipherOnly", KeyUsage.decipherOnly);
        return java.util.Collections.unmodifiableMap(usages);
    }

    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
