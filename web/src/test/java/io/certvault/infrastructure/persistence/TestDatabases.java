package io.certvault.infrastructure.persistence;

import io.certvault.infrastructure.CertvaultConfig;
import java.util.Map;
import java.util.Optional;

/** The database as Certvault opens it (migrations, JPA unit, pool), with settings given by a test. */
final class TestDatabases {

    private TestDatabases() {
    }

    static Database open(Map<String, String> settings) {
        Database database = new Database();
        database.config = new CertvaultConfig() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(settings.get(key));
            }
        };
        database.open();
        return database;
    }
}
