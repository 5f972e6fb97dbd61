package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/**
 * How a partner is known in messages: a qualifier (for AS2, {@code AS2Identity}; for X12, an ISA qualifier
 * such as {@code ZZ}) and a value. Within an account, one identity names one partner.
 */
@Embeddable
public class BusinessIdentity {
    /** The qualifier whose values are AS2 names (AS2-From / AS2-To). */
    public static final String AS2_IDENTITY = "AS2Identity";

    /** The account of the partner, so that the database keeps an identity to one partner of an account. */
    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "qualifier", nullable = false, length = 128)
    private String qualifier;

    @Column(name = "identity_value", nullable = false, length = 128)
    private String value;

    protected BusinessIdentity() {
    }

    public BusinessIdentity(String qualifier, String value) {
        this.qualifier = qualifier;
        this.value = value;
    }

    /** This identity as a partner of the account holds it. */
    BusinessIdentity of(String account) {
        BusinessIdentity held = new BusinessIdentity(qualifier, value);
        held.accountName = account;
        return held;
    }

    public String qualifier() {
        return qualifier;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BusinessIdentity that && qualifier.equals(that.qualifier) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(qualifier, value);
    }

    @Override
    public String toString() {
        return qualifier + ":" + value;
    }
}
