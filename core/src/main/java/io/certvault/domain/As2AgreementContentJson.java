package io.certvault.domain;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores an agreement's settings as the JSON the API shows: dozens of settings that are read and written
 * together, and that no query looks into (the certificates and partners a query needs are columns).
 */
@Converter
public class As2AgreementContentJson implements AttributeConverter<As2AgreementContent, String> {
    @Override
    public String convertToDatabaseColumn(As2AgreementContent content) {
        return content == null ? null : Holder.JSONB.toJson(content);
    }

    @Override
    public As2AgreementContent convertToEntityAttribute(String json) {
        return json == null ? null : Holder.JSONB.fromJson(json, As2AgreementContent.class);
    }

    /** Made at first use: JPA loads the converter also where no agreement is read or written, and no JSON-B is. */
    private static final class Holder {
        static final Jsonb JSONB = JsonbBuilder.create();
    }
}
