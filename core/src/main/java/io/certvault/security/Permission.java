package io.certvault.security;

/** What a role allows; every operation of the application services needs one of these. */
public enum Permission {
    /** See accounts, certificates, vault key metadata and audit events. */
    READ,
    /** Create, change and delete integration accounts and certificates. */
    WRITE,
    /** Use private certificates' keys: sign and decrypt messages. */
    USE_KEYS,
    /** Import, create and delete vault keys. */
    MANAGE_KEYS,
    /** Manage users and role assignments. */
    MANAGE_ACCESS
}
