/**
 * Who may do what: built-in users, roles, scopes and role assignments. Authentication itself (passwords,
 * tokens, sessions) is the web layer's; the application services check the {@link io.certvault.security.Caller}
 * it gives them, so the API and the pages are guarded in one place.
 */
package io.certvault.security;
