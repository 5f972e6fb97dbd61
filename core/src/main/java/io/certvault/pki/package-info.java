/**
 * Parsing and inspecting certificates and keys: PEM, DER, base64, PKCS#12, JWK; thumbprints and
 * public-key comparison. Error messages describe the input's form, never its key bytes.
 */
package io.certvault.pki;
