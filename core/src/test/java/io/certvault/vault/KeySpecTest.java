package io.certvault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import org.junit.jupiter.api.Test;

class KeySpecTest {

    @Test
    void readsJwkStyleRequests() {
        assertThat(KeySpec.of("RSA", null, null)).isEqualTo(KeySpec.RSA_2048);
        assertThat(KeySpec.of("RSA", 3072, null)).isEqualTo(KeySpec.RSA_3072);
        assertThat(KeySpec.of("RSA-HSM", 4096, null)).isEqualTo(KeySpec.RSA_4096);
        assertThat(KeySpec.of("EC", null, null)).isEqualTo(KeySpec.EC_P256);
        assertThat(KeySpec.of("ec", null, "P-384")).isEqualTo(KeySpec.EC_P384);
        assertThat(KeySpec.of("EC", 384, null)).isEqualTo(KeySpec.EC_P384);
    }

    @Test
    void refusesWhatItCannotCreate() {
        assertThatThrownBy(() -> KeySpec.of("RSA", 1024, null)).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("supported: RSA 2048, RSA 3072, RSA 4096, EC P-256, EC P-384");
        assertThatThrownBy(() -> KeySpec.of("EC", null, "P-192")).isInstanceOf(CertvaultException.class);
        assertThatThrownBy(() -> KeySpec.of("oct", null, null)).hasMessageContaining("RSA or EC");
        assertThatThrownBy(() -> KeySpec.of(null, null, null)).hasMessageContaining("RSA or EC");
    }
}
