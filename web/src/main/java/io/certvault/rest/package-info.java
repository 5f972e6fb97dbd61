/**
 * The REST API under {@code /api}, shaped like Azure Resource Manager's: resources with {@code id},
 * {@code name}, {@code type} and {@code properties}; lists as {@code {"value": [...], "nextLink": ...}};
 * errors as {@code {"error": {"code": ..., "message": ...}}}. Resources are thin: they map transfer
 * objects to the application services and back.
 */
package io.certvault.rest;
