package io.certvault.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Contoso-AS2", "fabrikam_2026.cer", "0", "a..b", "-"})
    void acceptsLettersDigitsAndSeparators(String name) {
        assertThat(ResourceName.require("certificate", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "...", "a/b", "a\\b", "a b", "naïve", "a:b", "%2e%2e", "a\u0000b"})
    void refusesEverythingElse(String name) {
        assertThatThrownBy(() -> ResourceName.require("certificate", name)).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("certificate name")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.INVALID_NAME));
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 81})
    void allowsEightyCharacters(int length) {
        String name = "n".repeat(length);
        if (length <= 80) {
            assertThat(ResourceName.require("key", name)).isEqualTo(name);
        } else {
            assertThatThrownBy(() -> ResourceName.require("key", name)).isInstanceOf(CertvaultException.class);
        }
    }
}
