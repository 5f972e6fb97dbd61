/**
 * The audit trail: every change and every key use, who did it, from where and how it ended, kept as a hash
 * chain so that altering the stored records is detectable.
 */
package io.certvault.audit;
