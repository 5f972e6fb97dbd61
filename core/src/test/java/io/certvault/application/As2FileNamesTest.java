package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.domain.Agreement;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2Message;
import io.certvault.domain.BusinessIdentity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The names delivered payloads are written under: the partner's made safe, or the agreement's template filled in. */
class As2FileNamesTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-07T09:05:03Z");

    @Test
    void thePartnersNameIsMadeSafeAndTheIdStandsInForNone() {
        As2Message named = received("../../etc/passwd");
        assertThat(As2TransportService.fileName(named, null)).isEqualTo("_.._etc_passwd");
        As2Message unnamed = received(null);
        assertThat(As2TransportService.fileName(unnamed, null)).isEqualTo(unnamed.id() + ".dat");
        assertThat(As2TransportService.fileName(received("...hidden"), null)).isEqualTo("hidden");
    }

    @Test
    void aTemplateNamesTheFieldsOfTheMessage() {
        As2Message message = received("order 4711.edi");
        assertThat(As2TransportService.fileName(message, "{date}-{time}-{as2From}-{fileName}"))
                .isEqualTo("20261207-090503-Fabrikam_Inc-order_4711.edi");
        assertThat(As2TransportService.fileName(message, "{messageId}.edi")).isEqualTo("abc_1_fabrikam.example.edi");
        assertThat(As2TransportService.fileName(message, "{id}")).isEqualTo(message.id());
        // Whatever a field holds, the name stays one safe name.
        As2Message hostile = new As2Message("contoso", agreement(), As2Message.Direction.Inbound, "<../../x@y>", "Fabrikam",
                "Contoso", RECEIVED);
        assertThat(As2TransportService.fileName(hostile, "{messageId}")).doesNotContain("/").doesNotStartWith(".");
    }

    private static As2Message received(String fileName) {
        As2Message message = new As2Message("contoso", agreement(), As2Message.Direction.Inbound,
                "<abc/1@fabrikam.example>", "Fabrikam Inc", "Contoso", RECEIVED);
        message.carried("application/edi-x12", 10L, fileName);
        return message;
    }

    private static Agreement agreement() {
        Agreement agreement = new Agreement("contoso", "fabrikam", RECEIVED);
        var identity = new BusinessIdentity("AS2Identity", "Fabrikam Inc");
        agreement.update("contoso", new BusinessIdentity("AS2Identity", "Contoso"), "fabrikam", identity,
                new As2AgreementContent(null, null).withDefaults(As2AgreementContent.Identity.of(identity),
                        As2AgreementContent.Identity.of(identity)), null, RECEIVED);
        return agreement;
    }
}
