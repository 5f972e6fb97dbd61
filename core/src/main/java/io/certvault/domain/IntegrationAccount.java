package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An integration account: the container of certificates (and later partners and agreements).
 */
@Entity
// Times are kept to the millisecond, which every supported database stores exactly.
@Table(name = "integration_account")
public class IntegrationAccount implements Versioned {
    @Id
    @Column(name = "name", length = 80)
    private String name;

    @Column(name = "location", length = 80)
    private String location;

    @Column(name = "sku_name", length = 40)
    private String skuName;

    /** Free-form tags as a JSON object; the domain keeps them as the client sent them. */
    @Column(name = "tags", length = 65536)
    private String tagsJson;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    /** Raised by every change; a write based on an older version fails instead of overwriting. */
    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected IntegrationAccount() {
    }

    public IntegrationAccount(String name, Instant now) {
        this.name = ResourceName.require("integration account", name);
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    public void update(String location, String skuName, String tagsJson, Instant now) {
        this.location = location;
        this.skuName = skuName;
        this.tagsJson = tagsJson;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    public String skuName() {
        return skuName;
    }

    public String tagsJson() {
        return tagsJson;
    }

    public Instant createdTime() {
        return createdTime;
    }

    public Instant changedTime() {
        return changedTime;
    }

    @Override
    public long version() {
        return version;
    }
}
