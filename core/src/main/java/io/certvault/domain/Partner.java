package io.certvault.domain;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A trading partner of an integration account, known by its business identities. */
@Entity
@Table(name = "partner")
public class Partner implements Versioned {
    /** The only partner type Azure's integration accounts have. */
    public static final String B2B = "B2B";

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "name", nullable = false, length = 80)
    private String name;

    @Column(name = "partner_type", nullable = false, length = 16)
    private String partnerType;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "partner_business_identity", joinColumns = @JoinColumn(name = "partner_id"))
    @OrderColumn(name = "list_position")
    private List<BusinessIdentity> businessIdentities = new ArrayList<>();

    /** Free-form metadata as a JSON object, kept as the client sent it. */
    @Column(name = "metadata", length = 65536)
    private String metadataJson;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected Partner() {
    }

    public Partner(String accountName, String name, Instant now) {
        this.id = UUID.randomUUID().toString();
        this.accountName = accountName;
        this.name = ResourceName.require("partner", name);
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    public void update(List<BusinessIdentity> identities, String metadataJson, Instant now) {
        this.partnerType = B2B;
        replaceIdentities(identities);
        this.metadataJson = metadataJson;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Sets the identities alone. The repository empties them and writes that first when it updates a partner,
     * so that the old rows are gone before the new ones go in: JPA rewrites an ordered collection row by row, and
     * a swap of two identities would break their unique key in between.
     */
    public void replaceIdentities(List<BusinessIdentity> identities) {
        this.businessIdentities = new ArrayList<>(identities.stream().map(i -> i.of(accountName)).toList());
    }

    public String accountName() {
        return accountName;
    }

    public String name() {
        return name;
    }

    public String partnerType() {
        return partnerType;
    }

    public List<BusinessIdentity> businessIdentities() {
        return List.copyOf(businessIdentities);
    }

    public String metadataJson() {
        return metadataJson;
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
