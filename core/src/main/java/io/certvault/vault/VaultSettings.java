package io.certvault.vault;

import java.util.Optional;
import java.util.function.Function;

/**
 * Configuration values by key. The registry hands each vault a view scoped to
 * {@code certvault.vault.<name>.} and the unscoped root for shared settings.
 */
@FunctionalInterface
public interface VaultSettings {

    Optional<String> get(String key);

    static VaultSettings of(Function<String, Optional<String>> lookup) {
        return key -> lookup.apply(key).filter(value -> !value.isBlank()).map(String::trim);
    }

    default VaultSettings scoped(String prefix) {
        return key -> get(prefix + key);
    }
}
