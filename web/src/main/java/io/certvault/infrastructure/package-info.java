/**
 * Wiring to the outside: configuration, the database, the vault registry and health checks.
 */
package io.certvault.infrastructure;
