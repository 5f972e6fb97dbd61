/**
 * Use cases: managing integration accounts, their certificates and vault keys. Validation happens here,
 * once, for the API and the UI alike.
 */
package io.certvault.application;
