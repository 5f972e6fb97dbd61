package io.certvault.audit;

/**
 * What an audited operation acted on: an account and certificate, a vault key and version, or another
 * resource (a user, a role assignment) by name. Unused parts are null.
 */
public record AuditTarget(String account, String certificate, String vault, String key, String keyVersion,
        String resource) {

    public static final AuditTarget NONE = new AuditTarget(null, null, null, null, null, null);

    public static AuditTarget account(String account) {
        return new AuditTarget(account, null, null, null, null, null);
    }

    public static AuditTarget certificate(String account, String certificate) {
        return new AuditTarget(account, certificate, null, null, null, null);
    }

    /** A partner of an account: the account, and {@code partners/<name>} as the resource. */
    public static AuditTarget partner(String account, String partner) {
        return new AuditTarget(account, null, null, null, null, "partners/" + partner);
    }

    /** A certificate signing request of an account: the account, and {@code certificateRequests/<name>}. */
    public static AuditTarget certificateRequest(String account, String request) {
        return new AuditTarget(account, null, null, null, null, "certificateRequests/" + request);
    }

    /** An agreement of an account: the account, and {@code agreements/<name>} as the resource. */
    public static AuditTarget agreement(String account, String agreement) {
        return new AuditTarget(account, null, null, null, null, "agreements/" + agreement);
    }

    public static AuditTarget key(String vault, String key) {
        return new AuditTarget(null, null, vault, key, null, null);
    }

    public static AuditTarget resource(String resource) {
        return new AuditTarget(null, null, null, null, null, resource);
    }

    /**
     * The target as the trail stores it: a name that a client sent and the API refused may be longer than a
     * name may be, or hold characters no name holds; it is kept recognisable but bounded (the columns are 80
     * characters, 200 for a resource) and printable, so that recording a refusal never fails on its target.
     */
    public AuditTarget bounded() {
        return new AuditTarget(clip(account, 80), clip(certificate, 80), clip(vault, 80), clip(key, 80),
                clip(keyVersion, 80), clip(resource, 200));
    }

    private static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder printable = new StringBuilder(Math.min(value.length(), max));
        value.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return printable.length() <= max ? printable.toString() : printable.substring(0, max - 3) + "...";
    }

    /** The same target, done for this resource (a key use for an AS2 message), unless it names one itself. */
    public AuditTarget about(String forResource) {
        return resource != null ? this : new AuditTarget(account, certificate, vault, key, keyVersion, forResource);
    }

    public AuditTarget withKey(String vault, String key, String keyVersion) {
        return new AuditTarget(account, certificate, vault, key, keyVersion, resource);
    }
}
