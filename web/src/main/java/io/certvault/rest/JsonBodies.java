package io.certvault.rest;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;

/**
 * Reads the API's JSON request bodies strictly, where JSON-B alone is lenient: exactly one JSON value (no
 * trailing content), and each property of the JSON type it binds to (a string where a string is meant, whole
 * numbers where the API means integers: no 2048.5, no "2048", nothing beyond an int). Anything else is the usual 400 InvalidRequestContent (JsonbException, see ErrorMappers).
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "*/*+json"})
public class JsonBodies implements MessageBodyReader<Record> {
    /** Made with the provider (JAX-RS makes one), not with the class, which tests load without JSON-B. */
    private final Jsonb jsonb = JsonbBuilder.create();

    /**
     * Certvault's request shapes, which are all records: read for Record, this reader is nearer to them than
     * JSON-B's own reader for Object, which JAX-RS would pick otherwise.
     */
    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord() && type.getName().startsWith("io.certvault.");
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> headers, InputStream body) {
        JsonValue value;
        try (JsonParser parser = jakarta.json.Json.createParser(body)) {
            if (!parser.hasNext()) {
                throw new JsonbException("The request body is empty.");
            }
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonbException("Content after the JSON value.");
            }
        } catch (RuntimeException e) {
            // Whatever the parser finds wrong (an encoding, a number beyond its limits): not valid JSON.
            throw new JsonbException("Not valid JSON.", e);
        }
        requireShape(value, genericType, BODY);
        return jsonb.fromJson(value.toString(), genericType);
    }

    /** Where a shape error is when it is the whole body; inner values are named by their JSON path. */
    private static final String BODY = "The request body";

    /**
     * Checks that each value has the JSON type of what it binds to, which JSON-B does not: it reads 5 into a
     * string, "true" into a boolean, and truncates 2048.5 and accepts "2048" for an int. Walks the record
     * components the body maps to; a JSON null is "not given" for any of them.
     */
    private static void requireShape(JsonValue value, Type type, String where) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return;
        }
        if (type instanceof java.lang.reflect.ParameterizedType list && list.getRawType() == List.class) {
            if (!(value instanceof jakarta.json.JsonArray array)) {
                throw new WrongShape(where + " must be a JSON array.");
            }
            for (int i = 0; i < array.size(); i++) {
                requireShape(array.get(i), list.getActualTypeArguments()[0], where + "[" + i + "]");
            }
            return;
        }
        if (!(type instanceof Class<?> target)) {
            return;
        }
        if (target.isRecord() || target == JsonObject.class) {
            if (!(value instanceof JsonObject object)) {
                throw new WrongShape(where + " must be a JSON object.");
            }
            if (target.isRecord()) {
                for (RecordComponent component : target.getRecordComponents()) {
                    // The JSON path of the property, e.g. properties.content.b2b.businessIdentities[0].value.
                    requireShape(object.get(component.getName()), component.getGenericType(),
                            where.equals(BODY) ? component.getName() : where + "." + component.getName());
                }
            }
        } else if (target == String.class) {
            if (value.getValueType() != JsonValue.ValueType.STRING) {
                throw new WrongShape(where + " must be a JSON string.");
            }
        } else if (target == Boolean.class || target == boolean.class) {
            if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
                throw new WrongShape(where + " must be true or false.");
            }
        } else if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            requireWhole(value, target == Integer.class || target == int.class, where);
        }
    }

    /** A JSON number whose value has no fractional part and fits the int or long it binds to. */
    private static void requireWhole(JsonValue value, boolean isInt, String where) {
        try {
            if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
                throw new ArithmeticException("not a whole number");
            }
            long whole = number.bigDecimalValue().longValueExact();
            if (isInt && (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE)) {
                throw new ArithmeticException("beyond an int");
            }
        } catch (ArithmeticException e) {
            throw new WrongShape(where + " must be an integer.");
        }
    }

    /** A value of the wrong JSON type; its message names the property and may be shown to the client. */
    static final class WrongShape extends JsonbException {
        WrongShape(String message) {
            super(message);
        }
    }
}
