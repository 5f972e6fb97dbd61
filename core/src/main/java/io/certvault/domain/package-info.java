/**
 * The domain: integration accounts, their certificates and the key references that point into vaults.
 * Repositories are interfaces here; their JPA implementations live in the web module's infrastructure.
 * No key material anywhere in this package.
 */
package io.certvault.domain;
