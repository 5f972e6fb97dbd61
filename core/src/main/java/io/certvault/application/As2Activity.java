package io.certvault.application;

import io.certvault.domain.As2Message;
import java.time.Duration;

/** What the AS2 transport reports as it works, for metrics; the web module's implementation feeds them. */
public interface As2Activity {
    As2Activity NONE = new As2Activity() {
    };

    /** A message was received (its status says how it ended) or an outbound one was settled (Delivered, Failed). */
    default void settled(As2Message message) {
    }

    /** An MDN came and was checked, this long after its message was posted. */
    default void mdnReceived(As2Message message, Duration latency) {
    }
}
