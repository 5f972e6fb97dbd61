package io.certvault.testing;

import io.certvault.application.MessageSettings;
import java.nio.file.Path;

/** Message settings given outright, for tests and benchmarks. */
public record FixedMessageSettings(Path spoolDirectory, int memoryThreshold, boolean allowExpiredCertificates)
        implements MessageSettings {
}
