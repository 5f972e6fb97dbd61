package io.certvault.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DispositionNotificationTest {

    @Test
    void readsTheReportItMakes() throws Exception {
        var report = DispositionNotification.report("Thanks.", "Certvault", "Fabrikam", "<1@contoso>",
                "q1w2e3=, sha-256", DispositionNotification.PROCESSED);
        var read = DispositionNotification.read(report.contentType(), report.body());
        assertThat(read.originalMessageId()).isEqualTo("<1@contoso>");
        assertThat(read.disposition()).isEqualTo(DispositionNotification.PROCESSED);
        assertThat(read.text()).isEqualTo("Thanks.");
        assertThat(read.processed()).isTrue();
        assertThat(read.micMatches("q1w2e3=, SHA256")).as("the algorithm however spelled").isTrue();
        assertThat(read.micMatches("q1w2e3=, sha1")).as("another algorithm").isFalse();
        assertThat(read.micMatches("other=, sha-256")).isFalse();
        assertThat(read.micMatches(null)).isFalse();
    }

    @Test
    void readsWhatOtherProductsSendBareLfFoldedFieldsAnyCase() throws Exception {
        String body = "preamble\n--b1\ncontent-type: text/plain\n\nYour message was received.\n--b1\n"
                + "Content-Type: message/disposition-notification\n\nreporting-ua: other\n"
                + "original-message-id: <7@x>\ndisposition: automatic-action/MDN-sent-automatically;\n"
                + " processed/warning: duplicate-document\nreceived-content-mic: abc=,\n sha1\n--b1--\n";
        var read = DispositionNotification.read("multipart/report; report-type=disposition-notification; boundary=b1",
                body.getBytes(StandardCharsets.US_ASCII));
        assertThat(read.originalMessageId()).isEqualTo("<7@x>");
        assertThat(read.processed()).as("a warning is still processed").isTrue();
        assertThat(read.micMatches("abc=, sha-1")).isTrue();
        assertThat(read.text()).isEqualTo("Your message was received.");
    }

    @Test
    void failuresAreNotProcessed() throws Exception {
        for (String disposition : new String[] {DispositionNotification.failed("decryption-failed"),
                "automatic-action/MDN-sent-automatically; failed/Failure: unsupported format", ""}) {
            var report = DispositionNotification.report("No.", "x", "y", "<1@z>", null, disposition);
            assertThat(DispositionNotification.read(report.contentType(), report.body()).processed())
                    .as(disposition).isFalse();
        }
    }

    @Test
    void whatIsNotAnMdnIsMalformed() {
        assertThatThrownBy(() -> DispositionNotification.read("text/plain", "hello".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CertvaultException.class).hasMessageContaining("multipart/report");
        assertThatThrownBy(() -> DispositionNotification.read("multipart/report; boundary=b",
                "--b\nContent-Type: text/plain\n\nhi\n--b--\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CertvaultException.class).hasMessageContaining("disposition-notification");
        assertThatThrownBy(() -> DispositionNotification.read("multipart/report; boundary=b",
                "--b\nContent-Type: text/plain\n\nhi\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CertvaultException.class).hasMessageContaining("closing boundary");
    }
}
