package io.certvault.rest;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/** Free-form JSON objects (tags, metadata) kept as text by the domain. */
final class Json {

    private Json() {
    }

    static String text(JsonObject object) {
        return object == null ? null : object.toString();
    }

    static JsonObject object(String text) {
        if (text == null) {
            return null;
        }
        try (JsonReader reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
