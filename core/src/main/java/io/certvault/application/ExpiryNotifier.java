package io.certvault.application;

import io.certvault.domain.ExpiryNoticeRepository;
import java.io.IOException;

/** Delivers a notice by one channel: a webhook or e-mail. */
public interface ExpiryNotifier {
    /** The channel's name, as notices record it. */
    String channel();

    /** Delivers it; an exception is a failed attempt, tried again later. */
    void deliver(ExpiryNoticeRepository.Notice notice) throws IOException;
}
