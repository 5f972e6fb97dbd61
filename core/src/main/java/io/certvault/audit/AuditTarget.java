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

    public static AuditTarget key(String vault, String key) {
        return new AuditTarget(null, null, vault, key, null, null);
    }

    public static AuditTarget resource(String resource) {
        return new AuditTarget(null, null, null, null, null, resource);
    }

    public AuditTarget withKey(String vault, String key, String keyVersion) {
        return new AuditTarget(account, certificate, vault, key, keyVersion, resource);
    }
}
