package io.certvault.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * PKIX validation of a certificate against an account's trust anchors: the path from the certificate to an anchor
 * (through the certificate's own chain and the account's other certificates), the validity of each certificate on
 * it, the key usage for what it is meant to do, and revocation of each certificate below the anchor. The path's
 * signatures, CA constraints and name chaining are checked by the JDK's PKIX validator; each check is reported on
 * its own, with its reason, so that a user sees everything that is wrong at once.
 */
public final class CertificateValidation {
    private static final int MAX_PATH = 10;

    /** What the certificate is to be used for, which decides the key usage it needs. */
    public enum Use {
        ANY, SIGNING, ENCRYPTION;

        public static Use parse(String text) {
            if (text == null || text.isBlank()) {
                return ANY;
            }
            for (Use use : values()) {
                if (use.name().equalsIgnoreCase(text.trim())) {
                    return use;
                }
            }
            throw new IllegalArgumentException("use is one of any, signing, encryption");
        }
    }

    /** How a revocation status that no source could give is taken. */
    public enum RevocationFailure {
        SOFT, HARD;

        public static RevocationFailure parse(String text) {
            String value = text.trim().toLowerCase(java.util.Locale.ROOT);
            return switch (value) {
                case "soft", "soft-fail" -> SOFT;
                case "hard", "hard-fail" -> HARD;
                default -> throw new IllegalArgumentException("revocation failure is soft-fail or hard-fail");
            };
        }
    }

    public enum Outcome {
        PASSED, FAILED, WARNING, SKIPPED
    }

    /** One check: {@code trust}, {@code validity}, {@code keyUsage} or {@code revocation}, with a stable code. */
    public record Check(String name, Outcome outcome, String code, String reason) {
    }

    /**
     * The outcome: valid when no check failed; the path from the certificate up to its anchor (the certificate
     * alone when no anchor was reached); each check.
     */
    public record Result(boolean valid, List<X509Certificate> path, List<Check> checks,
            List<RevocationChecker.Status> revocation) {
        public Optional<Check> failed() {
            return checks.stream().filter(c -> c.outcome() == Outcome.FAILED).findFirst();
        }
    }

    /** What validation works from: the account's certificates and how revocation is found. */
    public record Context(Collection<X509Certificate> anchors, Collection<X509Certificate> others,
            Function<X509Certificate, Optional<X509CRL>> uploadedCrls, RevocationChecker revocation,
            RevocationFailure revocationFailure, boolean checkRevocation) {
    }

    private CertificateValidation() {
    }

    public static Result validate(X509Certificate certificate, List<X509Certificate> chain, Use use, Instant at,
            Context context) {
        List<Check> checks = new ArrayList<>();
        TrustPath found = TrustPath.of(certificate, chain, context);
        List<X509Certificate> path = found.certificates();
        X509Certificate anchor = found.anchor();

        for (X509Certificate one : path) {
            if (one.getNotAfter().toInstant().isBefore(at)) {
                checks.add(new Check("validity", Outcome.FAILED, "CertificateExpired", describe(one, certificate)
                        + " expired on " + one.getNotAfter().toInstant() + "."));
            } else if (one.getNotBefore().toInstant().isAfter(at)) {
                checks.add(new Check("validity", Outcome.FAILED, "CertificateNotYetValid", describe(one, certificate)
                        + " is valid only from " + one.getNotBefore().toInstant() + "."));
            }
        }
        if (checks.isEmpty()) {
            checks.add(new Check("validity", Outcome.PASSED, null, "Every certificate on the path is valid now (the "
                    + "certificate until " + certificate.getNotAfter().toInstant() + ")."));
        }

        checks.add(trust(path, anchor, at));
        checks.add(keyUsage(certificate, use));

        List<RevocationChecker.Status> statuses = new ArrayList<>();
        if (!context.checkRevocation()) {
            checks.add(new Check("revocation", Outcome.SKIPPED, null, "Revocation was not asked to be checked."));
        } else {
            checks.add(revocation(path, anchor, context, statuses));
        }
        boolean valid = checks.stream().noneMatch(c -> c.outcome() == Outcome.FAILED);
        return new Result(valid, List.copyOf(path), List.copyOf(checks), List.copyOf(statuses));
    }

    /**
     * Only revocation, for a message's certificate: each certificate of the path that is below an anchor, or the
     * certificate alone with its issuer when one is known.
     */
    public static Result revocationOnly(X509Certificate certificate, List<X509Certificate> chain, Context context) {
        TrustPath found = TrustPath.of(certificate, chain, context);
        List<RevocationChecker.Status> statuses = new ArrayList<>();
        Check check = revocation(found.certificates(), found.anchor(), context, statuses);
        return new Result(check.outcome() != Outcome.FAILED, List.copyOf(found.certificates()), List.of(check),
                List.copyOf(statuses));
    }

    /** The path from the certificate up, and the anchor it ends at (null when it ends elsewhere). */
    private record TrustPath(List<X509Certificate> certificates, X509Certificate anchor) {
        static TrustPath of(X509Certificate certificate, List<X509Certificate> chain, Context context) {
            List<X509Certificate> candidates = new ArrayList<>(chain);
            candidates.addAll(context.others());
            candidates.addAll(context.anchors());
            List<X509Certificate> path = path(certificate, candidates);
            X509Certificate top = path.get(path.size() - 1);
            return new TrustPath(path, context.anchors().stream().filter(top::equals).findFirst().orElse(null));
        }
    }

    /** From the certificate up through the issuers found among the candidates, until a self-issued one or none. */
    static List<X509Certificate> path(X509Certificate certificate, List<X509Certificate> candidates) {
        List<X509Certificate> path = new ArrayList<>(List.of(certificate));
        X509Certificate current = certificate;
        while (path.size() < MAX_PATH && !selfIssued(current)) {
            X509Certificate child = current;
            Optional<X509Certificate> issuer = candidates.stream()
                    .filter(c -> !path.contains(c) && CertificateBundle.issued(c, child)).findFirst();
            if (issuer.isEmpty()) {
                break;
            }
            path.add(issuer.get());
            current = issuer.get();
        }
        return path;
    }

    private static Check trust(List<X509Certificate> path, X509Certificate anchor, Instant at) {
        X509Certificate top = path.get(path.size() - 1);
        if (anchor == null) {
            String end = path.size() == 1 ? "The certificate" : "Its path ends at " + top.getSubjectX500Principal()
                    .getName() + ", which";
            return new Check("trust", Outcome.FAILED, "NoTrustAnchor", end + (selfIssued(top)
                    ? " is not a trust anchor of the account: mark it (or an intermediate below it) as one."
                    : " was issued by " + top.getIssuerX500Principal().getName() + ", which is not a certificate of "
                            + "the account: upload it (as a trust anchor if it is a root) or the full chain."));
        }
        if (path.size() == 1) {
            return new Check("trust", Outcome.PASSED, null, "The certificate is itself a trust anchor of the account.");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path.subList(0, path.size() - 1));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false); // checked on its own, with reasons
            parameters.setDate(Date.from(validityDate(path, at)));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return new Check("trust", Outcome.PASSED, null, "The path of " + path.size() + " certificates ends at "
                    + "the trust anchor " + anchor.getSubjectX500Principal().getName() + ".");
        } catch (CertPathValidatorException e) {
            String where = e.getIndex() >= 0 && e.getIndex() < path.size()
                    ? " (at " + path.get(e.getIndex()).getSubjectX500Principal().getName() + ")" : "";
            String code = e.getReason() == PKIXReason.NOT_CA_CERT ? "IssuerNotCa"
                    : e.getReason() == PKIXReason.INVALID_KEY_USAGE ? "IssuerKeyUsage"
                    : e.getReason() == PKIXReason.PATH_TOO_LONG ? "PathTooLong" : "InvalidPath";
            return new Check("trust", Outcome.FAILED, code, "The path to " + anchor.getSubjectX500Principal().getName()
                    + " does not validate" + where + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX validation is not available", e);
        }
    }

    /**
     * Validity is reported on its own; the path is checked at a time every certificate on it is valid, so that
     * an expired certificate does not hide another fault.
     */
    private static Instant validityDate(List<X509Certificate> path, Instant at) {
        Instant latestStart = path.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElse(at);
        Instant earliestEnd = path.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElse(at);
        if (!at.isBefore(latestStart) && !at.isAfter(earliestEnd)) {
            return at;
        }
        return latestStart.isAfter(earliestEnd) ? at : latestStart;
    }

    private static Check keyUsage(X509Certificate certificate, Use use) {
        if (use == Use.ANY) {
            return new Check("keyUsage", Outcome.SKIPPED, null, "No use was named (signing or encryption).");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null) {
            return new Check("keyUsage", Outcome.PASSED, null, "The certificate does not restrict its key's usage.");
        }
        boolean ec = certificate.getPublicKey().getAlgorithm().equals("EC");
        // digitalSignature(0) nonRepudiation(1) keyEncipherment(2) dataEncipherment(3) keyAgreement(4)
        boolean allowed = use == Use.SIGNING ? usage[0] || usage[1] : ec ? usage[4] : usage[2];
        String needed = use == Use.SIGNING ? "digitalSignature or nonRepudiation" : ec ? "keyAgreement"
                : "keyEncipherment";
        if (allowed) {
            return new Check("keyUsage", Outcome.PASSED, null, "Its key usage allows " + use.name().toLowerCase(
                    java.util.Locale.ROOT) + " (" + needed + ").");
        }
        return new Check("keyUsage", Outcome.FAILED, "KeyUsageNotAllowed", "Its key usage does not allow "
                + use.name().toLowerCase(java.util.Locale.ROOT) + ": it needs " + needed + ".");
    }

    private static Check revocation(List<X509Certificate> path, X509Certificate anchor, Context context,
            List<RevocationChecker.Status> statuses) {
        // Each certificate with a known issuer, below the anchor: an anchor is trusted as it is.
        int checked = path.size() - 1;
        if (path.size() == 1) {
            return new Check("revocation", Outcome.SKIPPED, null, selfIssued(path.get(0))
                    ? "A self-issued certificate has no issuer to revoke it."
                    : "Its issuer is not a certificate of the account, so its revocation cannot be checked.");
        }
        boolean warned = false;
        StringBuilder notes = new StringBuilder();
        for (int i = 0; i < checked; i++) {
            X509Certificate one = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            RevocationChecker.Status status = context.revocation().check(one, issuer,
                    context.uploadedCrls().apply(issuer));
            statuses.add(status);
            String who = i == 0 ? "The certificate" : one.getSubjectX500Principal().getName();
            switch (status.state()) {
                case REVOKED -> {
                    return new Check("revocation", Outcome.FAILED, "CertificateRevoked", who + " is " + status.detail()
                            + " (" + status.source() + ").");
                }
                case UNKNOWN -> {
                    if (context.revocationFailure() == RevocationFailure.HARD) {
                        return new Check("revocation", Outcome.FAILED, "RevocationUnknown", "Whether " + who
                                + " is revoked could not be found out (" + status.detail() + "), and revocation "
                                + "failures are hard failures here.");
                    }
                    warned = true;
                    notes.append(who).append(": unknown (").append(status.detail()).append("). ");
                }
                case NO_SOURCE -> notes.append(who).append(": not checked (").append(status.detail()).append("). ");
                case GOOD -> notes.append(who).append(": ").append(status.detail()).append(" (").append(status.source())
                        .append("). ");
            }
        }
        boolean none = statuses.stream().allMatch(s -> s.state() == RevocationChecker.State.NO_SOURCE);
        return new Check("revocation", warned ? Outcome.WARNING : none ? Outcome.SKIPPED : Outcome.PASSED,
                warned ? "RevocationUnknown" : null, notes.toString().trim());
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static String describe(X509Certificate one, X509Certificate certificate) {
        return one == certificate ? "The certificate" : "The issuing certificate "
                + one.getSubjectX500Principal().getName();
    }
}
