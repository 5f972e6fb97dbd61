/**
 * The web pages (Jakarta Faces), following the Azure portal's integration-account blades. Backing beans call
 * the same application services as the REST API and turn their errors into messages next to the field
 * that caused them.
 */
package io.certvault.ui;
